/**
 * diagnose only reads: against a fake runtime that records every RPC it is
 * sent, each way of running it (text, JSON, Prometheus, --textfile, a
 * workload with an exited container, a runtime that answers with errors)
 * calls read RPCs only. The file-system half of the proof is
 * diagnose-readonly.e2e.test.ts (strace against a real containerd).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './fake/cli';
import { fakeRuntimes } from './support/fakes';

const fake = fakeRuntimes();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-diag-rpcs-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What a read is: the CRI v1 calls that only report. */
const READ = /^(Version|Status|RuntimeConfig|ImageFsInfo|List[A-Za-z]+|[A-Za-z]+Status)$/;
/** Named too, so that a READ pattern widened by mistake still cannot let these through. */
const MUTATING = /^(Create|Start|Stop|Remove|Pull|Update|Exec|Attach|PortForward|RunPodSandbox|Checkpoint|Reopen)/;

const RUNS: Array<[string, string[]]> = [
  ['text', []],
  ['-o json --verbose', ['-o', 'json', '--verbose']],
  ['-o prometheus --textfile', ['-o', 'prometheus', '--textfile', path.join(tmp, 'tcrictl.prom')]],
];

describe('diagnose sends read RPCs only', () => {
  const seen = new Set<string>();
  after(() => {
    // Printed so a reader of the test log sees what "read only" covered.
    process.stdout.write(`# diagnose RPCs seen: ${[...seen].sort().join(', ')}\n`);
  });

  for (const [name, args] of RUNS) {
    it(`${name}: a healthy runtime`, async () => {
      const f = await fake();
      const r = await runCli(['diagnose', '-r', f.endpoint, ...args]);
      assert.equal(r.hung, false);
      assert.ok(r.code !== null && r.code <= 2, `exit ${r.code}: ${r.stderr}`);
      for (const c of f.calls) seen.add(c);
      assert.ok(f.calls.includes('Version') && f.calls.includes('ListContainers'), `it did ask the runtime: ${f.calls.join(', ')}`);
      assert.deepEqual(f.calls.filter((c) => !READ.test(c) || MUTATING.test(c)), [], f.calls.join(', '));
    });
  }

  it('a runtime that fails its list and status calls: still nothing but reads (no "repair")', async () => {
    const fail = { code: status.INTERNAL, details: 'boom' };
    const f = await fake({ overrides: { ListContainers: fail, ListPodSandbox: fail, ImageFsInfo: fail, Status: { code: status.UNAVAILABLE, details: 'runtime not ready' } } });
    const r = await runCli(['diagnose', '-r', f.endpoint, '-o', 'json']);
    assert.equal(r.hung, false);
    for (const c of f.calls) seen.add(c);
    assert.ok(f.calls.length > 1, f.calls.join(', '));
    assert.deepEqual(f.calls.filter((c) => !READ.test(c) || MUTATING.test(c)), [], f.calls.join(', '));
  });

  it('the textfile run wrote only its textfile (no temp sibling left)', () => {
    assert.deepEqual(fs.readdirSync(tmp), ['tcrictl.prom']);
  });
});
