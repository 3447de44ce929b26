/**
 * `npm run bench:mutate`: the mutating commands at scale, one run each (every
 * run destroys what it measures, so the interleaved runner of bench/run.ts
 * does not fit):
 *   rm of 500 created containers, rmi of 500 images — time per item, and
 *     crictl doing the same on the same containerd when CRICTL_BIN (or
 *     /work/crictl-lab/bin/crictl) exists;
 *   events for 60 s against the fake server sending 1,000 events/s — RSS at
 *     start and end (EVENTS_SECONDS overrides the 60).
 * Not part of `npm test`: numbers for the report, not assertions.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { startContainerd, type Containerd } from '../test/harness/containerd';
import { criCall, runContainer, runPod } from '../test/harness/cri-fixture';
import { manyImagesArchive } from '../test/harness/images';
import { binPath, cliEnv } from '../test/fake/cli';
import { containerEvents, startFakeCri } from '../test/fake/fake-cri';
import { mapLimit } from '../src/cri/resolve';

const N = Number(process.env.MUTATE_N ?? 500);
const CRICTL = [process.env.CRICTL_BIN, '/work/crictl-lab/bin/crictl'].find((p): p is string => !!p && fs.existsSync(p));

function timed(argv: string[]): { ms: number; code: number | null; out: string; err: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: cliEnv(), maxBuffer: 64 << 20, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, code: r.status, out: r.stdout, err: r.stderr };
}

async function makeContainers(ctd: Containerd, n: number): Promise<string[]> {
  const pod = await runPod(ctd, { name: `bench-${Date.now()}` });
  return mapLimit(Array.from({ length: n }, (_, i) => i), 8, (i) => runContainer(ctd, pod, { name: `c${i}`, command: ['true'], start: false }));
}

async function importImages(ctd: Containerd, tag: string, n: number): Promise<string[]> {
  const refs = Array.from({ length: n }, (_, i) => `localhost/bench-${tag}/img${i}:1`);
  const archive = manyImagesArchive(refs);
  await ctd.ctr(['-n', 'k8s.io', 'images', 'import', '--snapshotter', ctd.snapshotter, archive]);
  fs.rmSync(archive, { force: true });
  return refs;
}

function report(what: string, tool: string, r: { ms: number; code: number | null; err: string }, n: number): void {
  const status = r.code === 0 ? '' : ` (exit ${r.code}: ${r.err.split('\n')[0]})`;
  console.log(`${what.padEnd(26)} ${tool.padEnd(8)} ${r.ms.toFixed(0).padStart(7)} ms  ${(r.ms / n).toFixed(2).padStart(6)} ms/item${status}`);
}

async function removals(): Promise<void> {
  const ctd = await startContainerd();
  try {
    const tools: Array<[string, string[]]> = [['tcrictl', [process.execPath, binPath()]]];
    if (CRICTL) tools.push(['crictl', [CRICTL]]);
    else console.log('(crictl not found: set CRICTL_BIN to run it side by side)');
    for (const [name, cmd] of tools) {
      const ids = await makeContainers(ctd, N);
      report(`rm ${N} containers`, name, timed([...cmd, '-r', ctd.endpoint, '-t', '60s', 'rm', ...ids]), N);
      const refs = await importImages(ctd, name, N);
      report(`rmi ${N} images`, name, timed([...cmd, '-r', ctd.endpoint, '-t', '60s', 'rmi', ...refs]), N);
    }
    const left = (await criCall(ctd.endpoint, 'ImageService', 'ListImages', {})).images.length;
    console.log(`images left after both: ${left} (the two harness images)`);
  } finally {
    await ctd.stop();
  }
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function eventsBench(): Promise<void> {
  const seconds = Number(process.env.EVENTS_SECONDS ?? 60);
  const fake = await startFakeCri({ overrides: { GetContainerEvents: { stream: containerEvents({ perSecond: 1000 }) } } });
  try {
    const child = spawn(process.execPath, [binPath(), 'events', '-r', fake.endpoint], { env: cliEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    let events = 0;
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      events += c.toString().split('containerEventType').length - 1;
    });
    await new Promise((r) => setTimeout(r, 2000));
    const start = rssKiB(child.pid!);
    const samples: number[] = [];
    for (let s = 2; s < seconds; s += 2) {
      await new Promise((r) => setTimeout(r, 2000));
      samples.push(rssKiB(child.pid!));
    }
    const end = rssKiB(child.pid!);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('close', r));
    const mib = (k: number) => (k / 1024).toFixed(1);
    console.log(`events ${seconds} s at 1000/s       RSS start ${mib(start)} MiB, end ${mib(end)} MiB, max ${mib(Math.max(...samples, end))} MiB; ${events} events (${(bytes / 1e6).toFixed(1)} MB) printed; exit ${code} on Ctrl-C`);
  } finally {
    await fake.stop();
  }
}

(async () => {
  const only = process.argv[2];
  if (!only || only === 'rm') await removals();
  if (!only || only === 'events') await eventsBench();
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
