/** `tcrictl ps -a -o json` on many containers: 2,000 in a real containerd, 20,000 from the fake. */
import type { BenchCase, RunResult } from '../lib';
import { criCall, runPod, runContainer } from '../../test/harness/cri-fixture';
import type { Containerd } from '../../test/harness/containerd';
import { manyContainers } from '../../test/fake/fake-cri';

const REAL_N = 2_000;
const FAKE_N = 20_000;

function checkCount(min: number, exact: boolean) {
  return (r: RunResult) => {
    const n = (JSON.parse(r.stdout.toString()) as { containers: unknown[] }).containers.length;
    if (exact ? n !== min : n < min) throw new Error(`ps -a -o json listed ${n} containers, expected ${exact ? '' : 'at least '}${min}`);
  };
}

/** Creates `Created` containers (CreateContainer only) in one pod until there are n. */
async function seed(ctd: Containerd, n: number, log: (l: string) => void): Promise<void> {
  const have = (await criCall<{ containers: unknown[] }>(ctd.endpoint, 'RuntimeService', 'ListContainers', { filter: {} }, 60_000)).containers.length;
  if (have >= n) return;
  log(`creating ${n - have} containers in containerd (CreateContainer only; this takes a while)…`);
  const pod = await runPod(ctd, { name: 'bench', namespace: 'bench' });
  let next = have;
  let done = have;
  const started = Date.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await runContainer(ctd, pod, { name: `c${i + 1}`, command: ['sleep', '3600'], start: false });
      if (++done % 250 === 0) log(`  ${done}/${n} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const cases: BenchCase[] = [
  {
    name: 'ps-2000',
    description: `tcrictl ps -a -o json, ${REAL_N} containers (containerd)`,
    target: { maxRatio: 2.5 },
    async setup(ctx) {
      const ctd = await ctx.containerd();
      await seed(ctd, REAL_N, ctx.log);
      return { args: ['ps', '-a', '-o', 'json', '-r', ctd.endpoint, '-t', '60s'], check: checkCount(REAL_N, false), crictlArgs: ['-r', ctd.endpoint, '-t', '60s', 'ps', '-a', '-o', 'json'] };
    },
  },
  {
    name: 'ps-20000-fake',
    description: `tcrictl ps -a -o json, ${FAKE_N} containers (fake CRI)`,
    target: { maxMedianMs: 600, maxRssMiB: 200 },
    runs: 9,
    async setup(ctx) {
      const fake = await ctx.fake({ workload: manyContainers(FAKE_N) });
      return { args: ['ps', '-a', '-o', 'json', '-r', fake.endpoint, '-t', '60s'], check: checkCount(FAKE_N, true), crictlArgs: ['-r', fake.endpoint, '-t', '60s', 'ps', '-a', '-o', 'json'] };
    },
  },
];

export default cases;
