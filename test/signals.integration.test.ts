/**
 * The user's signal ends every long-running command promptly, with the
 * shell's code: SIGINT → 130, SIGTERM → 143 (src/cli/lifecycle.ts), for
 * `logs -f` on a log that keeps growing, `stats -w`, `events`, `exec` with a
 * command that never ends, `attach`, and a call blocked on a server that
 * accepts and never answers. The bound is the promise, 1 s (BACKSTOP_MS): a command that
 * only ends when the backstop fires has not wound down by itself, which is a
 * defect (measured: under 100 ms on a loaded 2-CPU machine).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKSTOP_MS } from '../src/cli/lifecycle';
import type { FakeCriOptions } from './fake/fake-cri';
import { fakeRuntimes } from './support/fakes';
import { endlessEvents, endlessExec, growLog, loggingTo, msUntilClosed, startCli, statsOverride } from './support/long-running';

const fake = fakeRuntimes();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-signals-'));
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups) await c();
  fs.rmSync(tmp, { recursive: true, force: true });
});

export const END_BOUND_MS = BACKSTOP_MS;

const CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Each long-running command, given a fresh fake runtime: [name, argv after -r, overrides]. */
const COMMANDS: Array<[string, () => Promise<{ args: string[]; overrides: FakeCriOptions['overrides'] }>]> = [
  ['logs -f (a log that keeps growing)', async () => {
    const file = path.join(tmp, `${Math.random().toString(36).slice(2)}.log`);
    const w = growLog(file);
    cleanups.push(() => w.stop());
    return { args: ['logs', '-f', 'app'], overrides: loggingTo(file) };
  }],
  ['stats -w', async () => ({ args: ['stats', '-w', '-s', '1'], overrides: statsOverride() })],
  ['events', async () => ({ args: ['events'], overrides: endlessEvents() })],
  ['exec (a command that never ends, over SPDY)', async () => {
    const x = await endlessExec();
    cleanups.push(() => x.srv.close());
    return { args: ['exec', 'app', 'sleep', 'forever'], overrides: x.overrides };
  }],
  ['attach (a container that keeps running, over SPDY)', async () => {
    const x = await endlessExec();
    cleanups.push(() => x.srv.close());
    return { args: ['attach', 'app'], overrides: x.overrides };
  }],
];


/** Sends `sig` to a running tcrictl; how long it took to close, and its result (never hung). */
async function signalAndWait(run: ReturnType<typeof startCli>, sig: NodeJS.Signals, t: { diagnostic(m: string): void }) {
  const closed = msUntilClosed(run.child);
  run.child.kill(sig);
  const ms = await closed;
  const r = await run.result;
  t.diagnostic(`ended ${Math.round(ms)} ms after ${sig}`);
  assert.equal(r.hung, false);
  return { ms, r };
}

describe('SIGINT and SIGTERM end long-running commands with 130 and 143', () => {
  for (const [name, setup] of COMMANDS) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      it(`${name}: ${sig} → ${CODES[sig]}, ends within ${END_BOUND_MS} ms, says only "interrupted"`, async (t) => {
        const { args, overrides } = await setup();
        const f = await fake({ overrides });
        const run = startCli(['-r', f.endpoint, ...args]); // before exec's command
        await run.firstOutput;
        const { ms, r } = await signalAndWait(run, sig, t);
        assert.equal(r.signal, null, 'ended by itself, not by the signal\'s default action');
        assert.equal(r.code, CODES[sig], r.stderr);
        assert.ok(ms <= END_BOUND_MS, `ended ${Math.round(ms)} ms after ${sig}`);
        assert.match(r.stderr, /^(tcrictl: interrupted\n)?$/);
      });
    }
  }
});

describe('a call blocked on a server that accepts and never answers (-t 30s)', () => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    for (const mode of ['silent', 'hang'] as const) {
      const what = mode === 'silent' ? 'no HTTP/2 at all' : 'HTTP/2, no answer to Version';
      it(`${what}: ${sig} → ${CODES[sig]} within ${END_BOUND_MS} ms`, async (t) => {
        const f = mode === 'silent' ? await fake({ mode: 'silent' }) : await fake({ overrides: { Version: { hang: true } } });
        const run = startCli(['version', '-r', f.endpoint, '-t', '30s']);
        // Signal only once the call is waiting on the server.
        if (mode === 'hang') await f.waitForCall('Version');
        // The silent fake notes connections without waking waiters: poll.
        else while (!f.calls.includes('(connection)')) await new Promise((r) => setTimeout(r, 20));
        const { ms, r } = await signalAndWait(run, sig, t);
        assert.equal(r.code, CODES[sig], r.stderr);
        assert.ok(ms <= END_BOUND_MS, `ended ${Math.round(ms)} ms after ${sig}`);
        assert.equal(r.stderr, 'tcrictl: interrupted\n');
      });
    }
  }
});
