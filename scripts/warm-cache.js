'use strict';
// Writes one of the bundle's V8 code caches after exercising it:
//   node scripts/warm-cache.js BUNDLE OUT commands|help
//
// V8 can only cache functions that have run, so the bundle runs the start-up
// paths of that kind here (bin/loader.js cacheKind): for 'commands', read
// commands against a canned CRI server (node:http2 on a temp socket that
// answers every call with an empty or a fixed message), so the successful
// gRPC path is cached too; for 'help', oclif's help and `--version`. One kind
// per process: a process that ran help would put oclif, which V8 then reads on
// every start, into the commands' cache. The commands' output is discarded
// and their exit status does not matter.
const fs = require('node:fs');
const http2 = require('node:http2');
const os = require('node:os');
const path = require('node:path');
const { cacheKind, loadBundle, writeCodeCache } = require('../bin/loader');

/** A protobuf message from [field number, value] pairs: strings, nested messages (arrays), varints (numbers). */
function pb(fields) {
  const varint = (n) => {
    const out = [];
    let v = BigInt(n);
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      out.push(b);
    } while (v > 0n);
    return Buffer.from(out);
  };
  return Buffer.concat(
    fields.map(([no, value]) => {
      if (typeof value === 'number' || typeof value === 'bigint') return Buffer.concat([varint(no << 3), varint(value)]);
      const body = Array.isArray(value) ? pb(value) : Buffer.from(value);
      return Buffer.concat([varint((no << 3) | 2), varint(body.length), body]);
    }),
  );
}

const map = (no, entries) => Object.entries(entries).map(([k, v]) => [no, [[1, k], [2, v]]]);
const HEX = 'f8f2618c7ff6a8445c1656de007e46ee45cd529216d7c5808b2dcb715aaafbb5';
const LABELS = { 'io.kubernetes.container.name': 'app', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default' };
const NOW = 1795625350258501267n;

/**
 * One realistic element per list, so that the per-element code (decoders,
 * protobufjs decoders, the JSON writer, table rows) runs during the warm-up and is in
 * the cache: with empty lists it would be compiled from source on every start.
 */
const ANSWERS = {
  '/runtime.v1.RuntimeService/Version': pb([[1, '0.1.0'], [2, 'warm-up'], [3, '0.0.0'], [4, 'v1']]),
  '/runtime.v1.RuntimeService/ListContainers': pb([
    [1, [[1, HEX], [2, HEX], [3, [[1, 'app'], [2, 1]]], [4, [[1, 'localhost/app:1.0']]], [5, `sha256:${HEX}`], [6, 1], [7, NOW], ...map(8, LABELS), ...map(9, { 'io.kubernetes.container.hash': '0' })]],
  ]),
  '/runtime.v1.RuntimeService/ListPodSandbox': pb([
    [1, [[1, HEX], [2, [[1, 'web'], [2, 'uid'], [3, 'default'], [4, 0]]], [3, 0], [4, NOW], ...map(5, LABELS), ...map(6, { 'kubernetes.io/config.source': 'api' }), [7, 'runc']]],
  ]),
  '/runtime.v1.ImageService/ListImages': pb([
    [1, [[1, `sha256:${HEX}`], [2, 'localhost/app:1.0'], [3, `localhost/app@sha256:${HEX}`], [4, 1234567], [5, [[1, 0]]], [7, [[1, `sha256:${HEX}`]]]]],
  ]),
};

function cannedServer(socket) {
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    stream.on('data', () => {});
    stream.on('end', () => {
      const msg = ANSWERS[headers[':path']] ?? Buffer.alloc(0);
      const frame = Buffer.alloc(5 + msg.length);
      frame.writeUInt32BE(msg.length, 1);
      msg.copy(frame, 5);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(frame);
    });
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

/**
 * The command lines each cache is warmed with; every one of them must be of
 * that kind (cacheKind), or the start that uses the cache would not run it.
 */
function warmRuns(kind, endpoint) {
  if (kind === 'help') return [['--help'], ['version', '--help'], ['ps', '--help'], ['--version']];
  if (kind === 'commands') {
    const ep = ['-r', endpoint];
    return [
      ['version', ...ep],
      ['ps', ...ep],
      ['ps', '-a', '-o', 'json', ...ep],
      ['pods', ...ep],
      ['pods', '-o', 'json', ...ep],
      ['images', ...ep],
      ['images', '-o', 'json', ...ep],
    ];
  }
  throw new Error(`unknown cache kind '${kind}' (commands or help)`);
}

async function main() {
  const [bundleFile, out, kind] = process.argv.slice(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-warm-'));
  const sock = path.join(dir, 'cri.sock');
  const runs = warmRuns(kind, `unix://${sock}`);
  const strays = runs.filter((argv) => cacheKind(argv) !== kind);
  if (strays.length) throw new Error(`not ${kind} command lines: ${strays.map((a) => a.join(' ')).join('; ')}`);
  const server = await cannedServer(sock);
  const source = fs.readFileSync(bundleFile, 'latin1');
  const bundle = loadBundle({
    source,
    filename: bundleFile,
    dirname: path.dirname(bundleFile),
    cachedData: undefined,
    requireFn: require,
  });
  const root = path.resolve(path.dirname(bundleFile), '..');
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  try {
    if (!process.env.TCRICTL_WARM_VERBOSE) process.stdout.write = process.stderr.write = () => true;
    for (const argv of runs) await bundle.exports.run(argv, root);
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.exitCode = 0;
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  writeCodeCache(out, source, bundle.createCachedData());
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`warm-cache: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 1;
  });
}

module.exports = { cannedServer, warmRuns };
