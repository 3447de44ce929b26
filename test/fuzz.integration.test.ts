/**
 * Fuzzing the client with real containerd answers: each case is the recorded
 * answer of containerd 1.6 (test/fixtures/containerd-answers.json.gz: Version,
 * and ListContainers with 2,000 containers) mutated at random (fake/mutate.ts:
 * bit flips, truncations, splices, frame reordering, length lies), replayed by
 * a raw HTTP/2 server to the product's client, in process, with a short
 * deadline. Every case must:
 *   - settle within the deadline + 1 s;
 *   - either fail with an error that errors.ts turns into one line naming the
 *     endpoint (no raw control characters), or succeed with exactly the message
 *     that is on the wire (protobufjs's decoding of the DATA frames' gRPC
 *     message) — never with anything else;
 * and memory stays bounded: this process's peak RSS stays under
 * RSS_BOUND_MIB. It also holds the replay servers, the recording, protobufjs
 * and LANES calls at once, and grpc-js (1.14) keeps about 0.1 MiB per call
 * that failed on a broken connection after its channel is closed (measured:
 * ~100 MiB of ArrayBuffers still held after 1,000 cases and a GC), so the
 * bound is far looser than tcrictl's own; a client that believed a 4 GiB
 * length prefix would still cross it. tcrictl's
 * own peak RSS under 150 MiB is asserted by hostile-server.integration.test.ts
 * (through wait4), on the same misbehaviours named one by one.
 *
 *   TCRICTL_FUZZ_CASES=20000 TCRICTL_FUZZ_SEED=123 node --test dist/test/fuzz.integration.test.js
 *
 * Case i uses seed SEED + i; the seed range is printed, and a failure names its seed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeClient } from '../src/cri/client';
import { Connection } from '../src/cri/connection';
import { DECODE_OPTIONS, messageType } from '../src/cri/proto';
import { fromGrpcError, isGrpcError, type RpcContext } from '../src/cli/grpc-errors';
import { RAW_CONTROL } from './fake/cli';
import { encodeFrame, F, parseFrames, T, type Frame } from './fake/h2-frames';
import { mutate } from './fake/mutate';
import { answerFrames, loadRecording } from './fake/recording';
import { startReplay, type ReplayServer } from './fake/replay';

const CASES = Number(process.env.TCRICTL_FUZZ_CASES ?? 2000);
const SEED = process.env.TCRICTL_FUZZ_SEED !== undefined ? Number(process.env.TCRICTL_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** Short, so the cases that grpc-js ends only at the deadline (a connection that broke before it was up) stay cheap. */
const DEADLINE_MS = 250;
/** Cases run this many at a time, each lane with its own replay server. */
const LANES = 4;
const RSS_BOUND_MIB = 512;
/** The recording's request stream: the first a client opens on a connection. */
const STREAM = 1;

interface FuzzCall {
  method: string;
  request: object;
  type: string;
  frames: Frame[];
}

/** The gRPC message a client that accepts these bytes must have read, or undefined if none is well-formed. */
export function messageOnWire(bytes: Buffer): Buffer | undefined {
  const data: Buffer[] = [];
  for (const f of parseFrames(bytes).frames) {
    if (f.stream !== STREAM || f.type !== T.DATA) continue;
    let p = f.payload;
    if (f.flags & F.PADDED) {
      if (p.length < 1 || p[0] >= p.length) return undefined;
      p = p.subarray(1, p.length - p[0]);
    }
    data.push(p);
    if (f.flags & F.END_STREAM) break;
  }
  const all = Buffer.concat(data);
  // grpc-js reads only the flag byte's low bit (1 = compressed); gRPC Go refuses other values. Either way
  // the bytes after the prefix are the message, so only a compressed one (never asked for) is not.
  if (all.length < 5 || (all[0] & 1) !== 0 || all.length !== 5 + all.readUInt32BE(1)) return undefined;
  return all.subarray(5);
}

function reference(type: string, msg: Buffer | undefined): unknown {
  if (msg === undefined) return undefined;
  try {
    const t = messageType(type);
    return t.toObject(t.decode(msg), DECODE_OPTIONS);
  } catch {
    return undefined;
  }
}

type Outcome = { ok: unknown } | { err: unknown } | { hung: true };

async function callOnce(endpoint: string, c: FuzzCall, deadlineMs = DEADLINE_MS): Promise<Outcome> {
  const conn = new Connection(endpoint, deadlineMs);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new RuntimeClient(conn).call(c.method, c.request).then((ok) => ({ ok }), (err: unknown) => ({ err })),
      new Promise<Outcome>((r) => (timer = setTimeout(() => r({ hung: true }), deadlineMs + 1000))),
    ]);
  } finally {
    clearTimeout(timer);
    conn.close();
  }
}

function check(o: Outcome, c: FuzzCall, bytes: Buffer, endpoint: string): void {
  assert.ok(!('hung' in o), 'did not settle within the deadline + 1 s');
  if ('ok' in o) {
    const want = reference(c.type, messageOnWire(bytes));
    assert.ok(want !== undefined, 'accepted an answer with no well-formed message on the wire');
    assert.deepStrictEqual(o.ok, want, 'accepted something other than the message on the wire');
    return;
  }
  assert.ok(isGrpcError(o.err), `not an RPC error: ${String(o.err)}`);
  const cli = fromGrpcError(o.err, o.err as RpcContext);
  assert.equal(cli.exitCode, 1, cli.message);
  assert.ok(!cli.message.includes('\n'), `one line: ${JSON.stringify(cli.message)}`);
  assert.ok(cli.message.includes(endpoint), `names the endpoint: ${cli.message}`);
  assert.equal(RAW_CONTROL.exec(cli.message), null, `raw control in ${JSON.stringify(cli.message)}`);
}

describe(`fuzz: ${CASES} mutated containerd answers, seeds ${SEED}..${SEED + CASES - 1}`, () => {
  const servers: ReplayServer[] = [];
  const calls: FuzzCall[] = [];
  before(async () => {
    const rec = loadRecording();
    calls.push({ method: 'Version', request: { version: 'v1' }, type: 'runtime.v1.VersionResponse', frames: answerFrames(rec.version) });
    calls.push({ method: 'ListContainers', request: { filter: {} }, type: 'runtime.v1.ListContainersResponse', frames: answerFrames(rec.listContainers) });
    for (let i = 0; i < LANES; i++) servers.push(await startReplay());
  });
  after(() => Promise.all(servers.map((s) => s.stop())));

  it('the unmutated recordings are answered exactly (else the fuzzing tests nothing)', async () => {
    const server = servers[0];
    for (const c of calls) {
      const bytes = Buffer.concat(c.frames.map(encodeFrame));
      server.next = bytes;
      const o = await callOnce(server.endpoint, c, 5000);
      assert.ok('ok' in o, `${c.method}: ${'err' in o ? String(o.err) : 'hung'}`);
      check(o, c, bytes, server.endpoint);
    }
    const list = (await callOnce(server.endpoint, calls[1], 5000)) as { ok: { containers: unknown[] } };
    assert.equal(list.ok.containers.length, 2000);
  });

  it(`${CASES} mutated answers: each settles in time, and fails cleanly or yields exactly the message on the wire`, async (t) => {
    t.diagnostic(`fuzz seeds ${SEED}..${SEED + CASES - 1} (replay one: TCRICTL_FUZZ_SEED=<seed> TCRICTL_FUZZ_CASES=1)`);
    const tally = { ok: 0, err: 0 };
    const failures: string[] = [];
    const lane = async (server: ReplayServer, first: number) => {
      for (let i = first; i < CASES; i += LANES) {
        const seed = SEED + i;
        const c = calls[seed % 2];
        const m = mutate(c.frames, seed);
        server.next = m.bytes;
        const o = await callOnce(server.endpoint, c);
        try {
          check(o, c, m.bytes, server.endpoint);
        } catch (err) {
          failures.push(`seed ${seed} (${c.method}, ${m.what}): ${(err as Error).message.split('\n')[0]}`);
        }
        tally['ok' in o ? 'ok' : 'err']++;
      }
    };
    await Promise.all(servers.map((s, i) => lane(s, i)));
    t.diagnostic(`accepted ${tally.ok}, refused ${tally.err}`);
    // All failing seeds are counted; the first 20 are shown.
    assert.equal(failures.length, 0, `${failures.length} of ${CASES} cases failed:\n${failures.slice(0, 20).join('\n')}`);
    // Both outcomes occur, or the mutations are too weak (or too strong) to test anything.
    assert.ok(tally.ok > 0 && tally.err > 0 || CASES < 50, JSON.stringify(tally));
  });

  it(`peak RSS of this process stays under ${RSS_BOUND_MIB} MiB`, (t) => {
    const peak = process.resourceUsage().maxRSS / 1024;
    t.diagnostic(`peak RSS ${peak.toFixed(0)} MiB`);
    assert.ok(peak < RSS_BOUND_MIB, `peak RSS ${peak.toFixed(0)} MiB`);
  });
});
