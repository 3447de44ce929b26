/**
 * Terminal safety of the candidate list a mutating command prints when a
 * prefix or a name matches several containers or pods: the names come from
 * the runtime, so ESC, BEL, bidi overrides (U+202E), marks (U+200E) and
 * newlines must arrive escaped, one candidate per line (a raw newline in a
 * name would forge a candidate line), and nothing may be changed. The same
 * for the endpoint candidates listed when no runtime answers (a kubelet
 * config's endpoint is the node's text).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeHostRoot, RAW_CONTROL, runCli, writeHostFile, type CliResult } from './fake/cli';
import { hexId, makeContainer, makePod, startFakeCri, defaultImages, type FakeContainer, type FakeCri } from './fake/fake-cri';

const NAMES = ['esc\x1b[31mred', 'rlo\u202Egnp.exe', 'lrm\u200Emark', 'bel\x07ring', 'nl\n    abcffffffffff  forged (running)'];
const PREFIX = 'abc';
const SHARED = 'same\x1b]0;title\x07name';

/** Containers whose IDs all start with PREFIX, one per hostile name, plus two running ones sharing a hostile name. */
function workload() {
  const pod = makePod('web\u202Eevil');
  const withId = (c: FakeContainer, seed: string): FakeContainer => ({ ...c, id: PREFIX + hexId(seed).slice(PREFIX.length) });
  const containers = NAMES.map((n, i) => withId(makeContainer(pod, n), `c${i}`));
  containers.push(makeContainer(pod, SHARED), makeContainer(pod, SHARED, { attempt: 1 }));
  const pods = [pod, { ...makePod('web2\x1b[2J'), id: PREFIX + hexId('p2').slice(3) }, { ...pod, id: PREFIX + hexId('p3').slice(3) }];
  return { pods, containers, images: defaultImages() };
}

const MUTATING = /^(Remove|Stop|Start|Create|RunPodSandbox|Update|Exec|Attach|PortForward|Checkpoint)/;

describe('ambiguous names and prefixes from a hostile runtime', () => {
  let fake: FakeCri;
  before(async () => {
    fake = await startFakeCri({ workload: workload() });
  });
  after(() => fake?.stop());

  /** Exit 1; the message, N candidate lines and the hint; every control and Cf character escaped. */
  const assertSafeList = (r: CliResult, candidates: number, what: string) => {
    assert.equal(r.hung, false, what);
    assert.equal(r.code, 1, `${what}: ${r.stderr}`);
    const m = RAW_CONTROL.exec(r.stderr);
    assert.equal(m, null, `${what}: raw U+${m?.[0].codePointAt(0)?.toString(16)} in ${JSON.stringify(r.stderr)}`);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.match(lines[0], new RegExp(`^tcrictl: .*matches ${candidates} `), what);
    assert.equal(lines.length, 1 + candidates + 1, `${what}: one line per candidate:\n${r.stderr}`);
    assert.match(lines[lines.length - 1], /^ {2}hint: /, what);
    assert.ok(!r.stderr.includes('forged (running)\n'), `${what}: a name made a line of its own`);
  };

  it('rm with a prefix that matches every hostile name: escaped list, nothing removed', async () => {
    const r = await runCli(['rm', PREFIX, '-r', fake.endpoint]);
    assertSafeList(r, NAMES.length, 'rm abc');
    for (const shown of ['esc\\x1b[31mred', 'rlo\\u202egnp.exe', 'lrm\\u200emark', 'bel\\x07ring', 'nl\\x0a    abcffffffffff']) {
      assert.ok(r.stderr.includes(shown), `shows ${shown}: ${r.stderr}`);
    }
  });

  it('stop with a name two running containers share: escaped list, nothing stopped', async () => {
    const r = await runCli(['stop', SHARED, '-r', fake.endpoint]);
    assertSafeList(r, 2, 'stop SHARED');
    assert.ok(r.stderr.includes('same\\x1b]0;title\\x07name'), r.stderr);
  });

  it('stopp with a prefix that matches several pods: escaped list', async () => {
    const r = await runCli(['stopp', PREFIX, '-r', fake.endpoint]);
    assertSafeList(r, 2, 'stopp abc');
    assert.ok(r.stderr.includes('web2\\x1b[2J'), r.stderr);
  });

  it('no mutating call reached the runtime', () => {
    assert.deepEqual(fake.calls.filter((c) => MUTATING.test(c)), []);
    assert.ok(fake.calls.includes('ListContainers'), 'the commands did ask (else this proves nothing)');
  });
});

describe('the endpoint candidate list, when a kubelet config names a hostile endpoint', () => {
  it('one line per candidate, escaped: a newline in the endpoint cannot forge one', async () => {
    const root = makeHostRoot();
    writeHostFile(root, 'var/lib/kubelet/config.yaml', 'containerRuntimeEndpoint: "unix:///run/x\\n    /run/ok.sock (containerd): forged\\e[31m"\n');
    const r = await runCli(['version'], { hostRoot: root });
    assert.equal(r.code, 1, r.stderr);
    const m = RAW_CONTROL.exec(r.stderr);
    assert.equal(m, null, `raw U+${m?.[0].codePointAt(0)?.toString(16)} in ${JSON.stringify(r.stderr)}`);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.ok(!lines.some((l) => l.startsWith('    /run/ok.sock')), `a forged candidate line:\n${r.stderr}`);
    assert.ok(r.stderr.includes('/run/x\\x0a    /run/ok.sock (containerd): forged\\x1b[31m (kubelet config'), r.stderr);
  });
});
