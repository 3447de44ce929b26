/**
 * A reader that goes away (`tcrictl events | head -3`) ends a long-running
 * command quietly: no stderr, exit 0 (lifecycle.ts: a closed stdout is not
 * an error), soon. A writer only learns that a pipe closed when it next
 * writes, so the bound is the command's own pace (stats -w writes once per
 * interval) plus 1 s (BACKSTOP_MS); logs -f and events write continuously.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKSTOP_MS } from '../src/cli/lifecycle';
import type { FakeCriOptions } from './fake/fake-cri';
import { fakeRuntimes } from './support/fakes';
import { endlessEvents, growLog, loggingTo, msUntilClosed, startCli, statsOverride } from './support/long-running';

const fake = fakeRuntimes();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-closed-'));
const stops: Array<() => void> = [];
after(() => {
  for (const s of stops) s();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Case {
  name: string;
  /** How long the command may go without writing (its interval). */
  paceMs: number;
  setup(): { args: string[]; overrides: FakeCriOptions['overrides'] };
}

const CASES: Case[] = [
  {
    name: 'logs -f, a log that never stops growing',
    paceMs: 0,
    setup() {
      const file = path.join(tmp, 'grow.log');
      stops.push(growLog(file).stop);
      return { args: ['logs', '-f', 'app'], overrides: loggingTo(file) };
    },
  },
  { name: 'stats -w -s 1', paceMs: 1000, setup: () => ({ args: ['stats', '-w', '-s', '1'], overrides: statsOverride() }) },
  { name: 'events', paceMs: 0, setup: () => ({ args: ['events'], overrides: endlessEvents() }) },
];

describe('the reader closes stdout', () => {
  for (const c of CASES) {
    const bound = c.paceMs + BACKSTOP_MS;
    it(`${c.name}: exits 0 within ${bound} ms, nothing on stderr`, async (t) => {
      const { args, overrides } = c.setup();
      const f = await fake({ overrides });
      const run = startCli(['-r', f.endpoint, ...args]);
      await run.firstOutput;
      const closed = msUntilClosed(run.child);
      run.child.stdout!.destroy();
      const ms = await closed;
      const r = await run.result;
      t.diagnostic(`ended ${Math.round(ms)} ms after stdout closed`);
      assert.equal(r.hung, false);
      assert.equal(r.signal, null, 'ended by itself (not SIGPIPE, not the safety net)');
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.ok(ms <= bound, `ended ${Math.round(ms)} ms after stdout closed`);
    });
  }
});
