'use strict';
// Writes one of the bundle's V8 code caches after exercising it:
//   node scripts/warm-cache.js BUNDLE OUT commands|help
//
// V8 can only cache functions that have run, so the bundle runs the start-up
// paths of that kind here (bin/loader.js cacheKind): for 'commands', read
// commands against a canned CRI server (raw HTTP/2 on a temp socket that
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

/** Protobuf length-delimited string fields 1..n, enough for VersionResponse. */
function stringFields(values) {
  const parts = values.map((v, i) => {
    const b = Buffer.from(v);
    return Buffer.concat([Buffer.from([((i + 1) << 3) | 2, b.length]), b]);
  });
  return Buffer.concat(parts);
}

function cannedServer(socket) {
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    stream.on('data', () => {});
    stream.on('end', () => {
      const msg = headers[':path'] === '/runtime.v1.RuntimeService/Version' ? stringFields(['0.1.0', 'warm-up', '0.0.0', 'v1']) : Buffer.alloc(0);
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
    return [['version', ...ep], ['ps', ...ep], ['ps', '-a', '-o', 'json', ...ep], ['pods', ...ep], ['images', ...ep]];
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
