/**
 * Calls whose connection dies without a word (src/cri/dead-call.ts): after
 * an HPACK error Node's HTTP/2 stops reading the socket and tells no one, so
 * only the event loop emptying says the call is stranded. Each call runs in
 * a child process (here the hostile server's own handles would keep the loop
 * busy), without a deadline, so nothing but that sign can end it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { CONNECTION_LOST } from '../src/cli/grpc-errors';
import { whenStranded } from '../src/cri/dead-call';
import { status } from '../src/cri/status';
import { startHostile } from './fake/hostile';

/** Runs `call` (an expression using `rt`) in a child against `endpoint`; what it printed: `code details` or `ok`. */
function inChild(endpoint: string, call: string, timeoutMs = 0): Promise<string> {
  const cri = (m: string) => JSON.stringify(path.join(__dirname, '..', 'src', 'cri', `${m}.js`));
  const script = `const { Connection } = require(${cri('connection')});
    const { RuntimeClient } = require(${cri('client')});
    (async () => {
      const conn = new Connection(${JSON.stringify(endpoint)}, ${timeoutMs});
      const rt = new RuntimeClient(conn);
      try { await (${call}); process.stdout.write('ok'); } catch (e) { process.stdout.write(e.code + ' ' + e.details); }
      conn.close();
    })();`;
  return new Promise((resolve) => {
    // A safety net only: the call ends as soon as the child's loop empties.
    execFile(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 }, (_err, stdout) => resolve(stdout));
  });
}

const LOST = `${status.UNAVAILABLE} ${CONNECTION_LOST}`;
const STREAM = `(async () => { for await (const _ of rt.stream('GetContainerEvents', {})) {} })()`;
const UNARY = `rt.call('Version', { version: 'v1' }, { timeoutMs: 0 })`;

/** `call` in a child against a hostile server in `mode` (answering `repeat` empty messages); what it printed. */
async function callAgainst(mode: Parameters<typeof startHostile>[0], call: string, opts: { repeat?: number; timeoutMs?: number } = {}): Promise<string> {
  const h = await startHostile(mode, { answer: Buffer.alloc(0), repeat: opts.repeat });
  try {
    return await inChild(h.endpoint, call, opts.timeoutMs);
  } finally {
    await h.stop();
  }
}

describe('a call stranded by a connection that went silent', () => {
  for (const mode of ['hpack-bad-index', 'hpack-table-size'] as const) {
    it(`${mode}: a stream fails with "connection lost" instead of leaving the process with nothing to wait for`, async () => {
      assert.equal(await callAgainst(mode, STREAM), LOST);
    });
  }

  it('hpack-bad-trailers: a stream that got its answers fails at once, long before a 10-minute connect timeout', async () => {
    // Timed only by the child's 30 s safety net: a connect timer left running after the answers would hold it 10 minutes.
    assert.equal(await callAgainst('hpack-bad-trailers', STREAM, { repeat: 2, timeoutMs: 600_000 }), LOST);
  });

  it('hpack-bad-huffman: a unary call without a deadline fails the same way', async () => {
    assert.equal(await callAgainst('hpack-bad-huffman', UNARY), LOST);
  });

  it('a correct answer is not touched (a stream of two, a unary call)', async () => {
    for (const [repeat, call] of [[2, STREAM], [1, UNARY]] as const) assert.equal(await callAgainst('ok', call, { repeat }), 'ok');
  });

  it('many open calls share one beforeExit listener, gone with the last', () => {
    const before = process.listenerCount('beforeExit');
    const disposers = Array.from({ length: 50 }, () => whenStranded(() => assert.fail('the loop did not empty')));
    assert.equal(process.listenerCount('beforeExit'), before + 1);
    for (const d of disposers) d();
    disposers[0]();
    assert.equal(process.listenerCount('beforeExit'), before);
  });
});
