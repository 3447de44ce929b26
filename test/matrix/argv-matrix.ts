/**
 * The behaviour record for big changes: runs a matrix of command lines
 * (every command; good and bad flags; -o table|json|yaml; -q; IDs by name,
 * prefix, ambiguous and unknown; a hung and a missing socket) with two or
 * more builds of tcrictl, back to back on the same runtimes, and diffs their
 * stdout, stderr and exit codes. Not a test: a tool for before/after checks.
 *
 *   npm run build && node dist/test/matrix/argv-matrix.js \
 *     --bin old=/path/to/old/checkout/bin/run.js --bin new=bin/run.js [--out DIR]
 *
 * Runtimes: a real containerd from test/harness (pods web and web2, each with
 * a running 'app' and an exited 'job', so the names are ambiguous) and the
 * fake server with 2,000 containers. Needs root, like the e2e tests.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startContainerd } from '../harness/containerd';
import { seedWorkload } from '../harness/cri-fixture';
import { startFakeCri, manyContainers } from '../fake/fake-cri';
import { matrixLines, type MatrixContext } from './lines';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, argv: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : null), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

const AGE = /\b(\d+|About an?|Less than a) (second|minute|hour|day|week|month|year)s? ago\b/g;

/**
 * What legitimately differs between two runs a few seconds apart: ages (and
 * so the width of a table's columns), durations, the build's own path, and
 * the order of candidate lists (containerd lists in no fixed order).
 */
function normalize(text: string, bin: string): string {
  const root = path.dirname(path.dirname(bin));
  const lines = text
    .split(root)
    .join('<ROOT>')
    .replace(/\b\d+(\.\d+)? ?(ms|s)\b(?= *(\)|\]|$|,|·|\n))/gm, 'N$2')
    .replace(/"(durationMs|elapsedMs|timestamp|time)": ?("[^"]*"|[0-9.]+)/g, '"$1": N')
    .split('\n')
    .map((l) => l.replace(AGE, '<age>'));
  // An age's length sets its column's width, and so the header's spacing.
  if (lines.some((l) => l.includes('<age>'))) lines.forEach((l, i) => (lines[i] = l.replace(/ {2,}/g, '  ')));
  // Sort each run of indented candidate lines ("    <id>  <name> …").
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j < lines.length && /^ {4}\S/.test(lines[j])) j++;
    if (j > i + 1) lines.splice(i, j - i, ...lines.slice(i, j).sort());
    i = Math.max(j, i + 1);
  }
  return lines.join('\n');
}

function parseArgs(argv: string[]): { bins: Array<[string, string]>; out: string } {
  const bins: Array<[string, string]> = [];
  let out = fs.mkdtempSync(path.join(os.tmpdir(), 'argv-matrix-'));
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--bin') {
      const [label, file] = argv[++i].split('=');
      bins.push([label, path.resolve(file)]);
    } else if (argv[i] === '--out') out = path.resolve(argv[++i]);
  }
  if (bins.length < 1) throw new Error('usage: argv-matrix --bin LABEL=PATH/bin/run.js [--bin …] [--out DIR]');
  return { bins, out };
}

async function main(): Promise<void> {
  const { bins, out } = parseArgs(process.argv.slice(2));
  fs.mkdirSync(out, { recursive: true });
  const ctd = await startContainerd();
  const fake = await startFakeCri({ workload: manyContainers(2000) });
  const silent = await startFakeCri({ mode: 'silent' });
  const hostRoot = fs.mkdtempSync(path.join('/tmp', 'matrix-host-'));
  try {
    const w1 = await seedWorkload(ctd, { podName: 'web' });
    const w2 = await seedWorkload(ctd, { podName: 'web2' });
    const ctx: MatrixContext = {
      ctd: ctd.endpoint,
      fake: fake.endpoint,
      hung: silent.endpoint,
      missing: `unix://${hostRoot}/nothing/here.sock`,
      running: w1.runningId,
      exited: w1.exitedId,
      pod: w1.podId,
      otherPod: w2.podId,
      image: ctd.images.busybox,
      fakeContainer: manyContainers(1).containers[0].id,
    };
    const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', TCRICTL_HOST_ROOT: hostRoot, NO_COLOR: '1' };
    for (const k of ['CONTAINER_RUNTIME_ENDPOINT', 'IMAGE_SERVICE_ENDPOINT', 'CRI_CONFIG_FILE', 'TCRICTL_ENDPOINTS']) delete env[k];
    const lines = matrixLines(ctx);
    const texts = new Map<string, string[]>(bins.map(([label]) => [label, []]));
    for (const line of lines) {
      for (const [label, bin] of bins) {
        const r = await run(bin, line.argv, { ...env, ...line.env });
        const shown = line.volatile ? { ...r, stdout: r.stdout.split('\n')[0] + '\n<volatile>\n' } : r;
        texts.get(label)!.push(
          `### ${line.name}: ${line.argv.join(' ')}\nexit: ${shown.code}\n--- stdout\n${normalize(shown.stdout, bin)}--- stderr\n${normalize(shown.stderr, bin)}`,
        );
      }
    }
    for (const [label] of bins) fs.writeFileSync(path.join(out, `${label}.txt`), texts.get(label)!.join('\n'));
    process.stdout.write(`${lines.length} command lines × ${bins.length} builds → ${out}\n`);
    const [first, ...rest] = bins.map(([label]) => label);
    for (const label of rest) {
      try {
        execFileSync('diff', ['-u', `${first}.txt`, `${label}.txt`], { cwd: out, stdio: 'ignore' });
        process.stdout.write(`${first} vs ${label}: identical\n`);
      } catch {
        process.stdout.write(`${first} vs ${label}: DIFFERENT — diff -u ${out}/${first}.txt ${out}/${label}.txt\n`);
        process.exitCode = 1;
      }
    }
  } finally {
    await silent.stop();
    await fake.stop();
    await ctd.stop();
    fs.rmSync(hostRoot, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`argv-matrix: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 2;
});
