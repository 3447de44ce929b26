/**
 * Records what a real containerd 1.6 sends on the wire for Version and for
 * ListContainers with 2,000 containers (the fuzz test's seeds): a private
 * containerd (test/harness), a recording proxy in front of its socket, one
 * grpc-js call per connection, the server's bytes cut into HTTP/2 frames.
 *
 *   npm run build && node dist/test/fake/record-containerd.js   (root; a few minutes)
 *
 * Writes test/fixtures/containerd-answers.json.gz, which is committed: the
 * tests never need containerd for it.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { startContainerd } from '../harness/containerd';
import { criCall, runContainer, runPod } from '../harness/cri-fixture';
import { repoRoot } from './fake-cri';
import { parseFrames, PREFACE } from './h2-frames';
import type { Recording, RecordedFrame } from './recording';

const N = 2_000;

/** Runs `call` through a proxy on a fresh socket and returns the frames the server sent. */
async function recordOne(target: string, dir: string, call: (endpoint: string) => Promise<unknown>): Promise<RecordedFrame[]> {
  const sock = path.join(dir, `rec-${Date.now()}.sock`);
  const fromServer: Buffer[] = [];
  const proxy = net.createServer((client) => {
    const upstream = net.connect(target);
    client.pipe(upstream);
    upstream.on('data', (c: Buffer) => fromServer.push(c));
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => proxy.listen(sock, r));
  try {
    await call(`unix://${sock}`);
  } finally {
    await new Promise((r) => proxy.close(r));
  }
  const bytes = Buffer.concat(fromServer);
  if (bytes.subarray(0, PREFACE.length).equals(PREFACE)) throw new Error('recorded the client side by mistake');
  const { frames, rest } = parseFrames(bytes);
  if (rest.length) throw new Error(`${rest.length} bytes after the last whole frame`);
  return frames.map((f) => [f.type, f.flags, f.stream, f.payload.toString('base64')]);
}

async function main(): Promise<void> {
  const ctd = await startContainerd();
  try {
    const pod = await runPod(ctd, { name: 'fuzz', namespace: 'fuzz' });
    let next = 0;
    const worker = async () => {
      while (next < N) {
        const i = next++;
        await runContainer(ctd, pod, { name: `c${i + 1}`, command: ['sleep', '3600'], start: false });
        if (i % 250 === 0) process.stderr.write(`  ${i}/${N}\n`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const rec: Recording = {
      containerd: (await criCall(ctd.endpoint, 'RuntimeService', 'Version', { version: 'v1' })).runtimeVersion,
      version: await recordOne(ctd.socket, ctd.dir, (e) => criCall(e, 'RuntimeService', 'Version', { version: 'v1' })),
      listContainers: await recordOne(ctd.socket, ctd.dir, (e) => criCall(e, 'RuntimeService', 'ListContainers', { filter: {} }, 60_000)),
    };
    const out = path.join(repoRoot(), 'test', 'fixtures', 'containerd-answers.json.gz');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, zlib.gzipSync(JSON.stringify(rec), { level: 9 }));
    process.stderr.write(`wrote ${out} (${fs.statSync(out).size} bytes)\n`);
  } finally {
    await ctd.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
