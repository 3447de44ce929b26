/**
 * stats/statsp computations: CPU % from two samples (and from usageNanoCores
 * when there is no cumulative counter), crictl's row rules and columns, the
 * --watch frames, and the sampling loop.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, UsageError } from '../src/cli/cli-error';
import {
  CONTAINER_STATS_HEADER,
  containerStatsRows,
  cpuPercent,
  parseLabels,
  podStatsRows,
  statsLoop,
  statsTable,
  watchFrame,
  type ContainerStats,
  type CpuUsage,
  type PodSandboxStats,
} from '../src/output/stats';

const v = (n: number | string) => ({ value: String(n) });
const cpu = (ts: number, total: number | null, nano: number | null = null): CpuUsage => ({
  timestamp: String(ts),
  usageCoreNanoSeconds: total === null ? null : v(total),
  usageNanoCores: nano === null ? null : v(nano),
});

function ctr(id: string, name: string, c: CpuUsage | null, mem: number, extra: Partial<ContainerStats> = {}): ContainerStats {
  return {
    attributes: { id, metadata: { name } },
    cpu: c,
    memory: { workingSetBytes: v(mem) },
    writableLayer: { usedBytes: v(8192), inodesUsed: v(5) },
    swap: null,
    ...extra,
  };
}

describe('cpuPercent', () => {
  it('is the counter difference over the timestamp difference', () => {
    assert.equal(cpuPercent(cpu(1e9, 5e8), cpu(2e9, 1e9)), 50);
    assert.equal(cpuPercent(cpu(0, 0), cpu(1e9, 2e9)), 200);
  });

  it('falls back to usageNanoCores without a counter or without time passing', () => {
    assert.equal(cpuPercent(cpu(1e9, null), cpu(2e9, null, 250_000_000)), 25);
    assert.equal(cpuPercent(cpu(1e9, 10), cpu(1e9, 10, 1e9)), 100);
    assert.equal(cpuPercent(cpu(1e9, null), cpu(2e9, null)), 0);
    assert.equal(cpuPercent(undefined, cpu(2e9, 5, 5e8)), 50);
  });

  it('is exact for counters beyond 2^53', () => {
    const big = 2 ** 60;
    assert.equal(cpuPercent({ timestamp: '1000000000', usageCoreNanoSeconds: v(BigInt(big).toString()), usageNanoCores: null }, { timestamp: '2000000000', usageCoreNanoSeconds: v((BigInt(big) + 100_000_000n).toString()), usageNanoCores: null }), 10);
  });
});

describe('stats rows', () => {
  const a = '1111111111111111aaaa';
  const b = '2222222222222222bbbb';
  const c = '3333333333333333cccc';
  const before = [ctr(b, 'web', cpu(1e9, 1e9), 1000), ctr(a, 'app', cpu(1e9, 1e9), 2_000_000), ctr(c, 'gone', cpu(1e9, 0), 0)];
  const after = [ctr(a, 'app', cpu(2e9, 1.5e9), 2_000_000), ctr(b, 'web', cpu(2e9, 1e9), 1000), ctr(c, 'gone', cpu(2e9, 0), 0), ctr('4444444444444444', 'new', cpu(2e9, 9), 9)];

  it('sorts by ID, truncates IDs to 13, formats like crictl, skips idle-and-empty and new containers', () => {
    const rows = containerStatsRows(before, after, false);
    assert.deepEqual(rows, [
      ['1111111111111', 'app', '50.00', '2MB', '8.192kB', '5', '0B'],
      ['2222222222222', 'web', '0.00', '1kB', '8.192kB', '5', '0B'],
    ]);
  });

  it('shows stopped containers with -a', () => {
    const rows = containerStatsRows(before, after, true);
    assert.deepEqual(rows.map((r) => r[1]), ['app', 'web', 'gone']);
  });

  it('renders the current crictl header', () => {
    const text = statsTable(CONTAINER_STATS_HEADER, []);
    assert.equal(text, 'CONTAINER           NAME                CPU %               MEM                 DISK                INODES              SWAP\n');
  });

  it('statsp: name, truncated pod ID, CPU %, MEM; pods without data left out', () => {
    const pod = (id: string, name: string, c: CpuUsage, mem: number): PodSandboxStats => ({
      attributes: { id, metadata: { name } },
      linux: { cpu: c, memory: { workingSetBytes: v(mem) } },
      windows: null,
    });
    const rows = podStatsRows(
      [pod('p2222222222222222', 'b', cpu(1e9, 0), 0), pod('p1111111111111111', 'a', cpu(1e9, 1e9), 1_638_400)],
      [pod('p1111111111111111', 'a', cpu(3e9, 2e9), 1_638_400), pod('p2222222222222222', 'b', cpu(3e9, 0), 0)],
    );
    assert.deepEqual(rows, [['a', 'p111111111111', '50.00', '1.638MB']]);
  });
});

describe('watch frames', () => {
  it('has no escape codes when not on a terminal: one block and a blank line', () => {
    assert.equal(watchFrame('A\nB\n', false, true), 'A\nB\n\n');
    assert.doesNotMatch(watchFrame('A\nB\n', false, false), /\x1b/);
  });

  it('redraws in place on a terminal', () => {
    assert.equal(watchFrame('A\nB\n', true, true), '\x1b[2J\x1b[HA\x1b[K\nB\x1b[K\n\x1b[J');
    assert.equal(watchFrame('A\n', true, false), '\x1b[HA\x1b[K\n\x1b[J');
  });
});

describe('parseLabels', () => {
  it('builds a selector and rejects a label without =', () => {
    assert.deepEqual(parseLabels(['a=b', 'c=d=e', 'f=']), { a: 'b', c: 'd=e', f: '' });
    assert.deepEqual(parseLabels(undefined), {});
    assert.throws(() => parseLabels(['foo']), (e: UsageError) => e instanceof UsageError && /incorrectly specified label: foo/.test(e.message));
  });
});

describe('statsLoop', () => {
  const counter = () => {
    let n = 0;
    return async () => [ctr('a', 'app', cpu(++n * 1e9, n * 1e8), 100)];
  };

  it('without --watch: two samples, one table', async () => {
    const out: string[] = [];
    const ac = new AbortController();
    await statsLoop({ sample: counter(), table: (p, c) => `${p[0].cpu!.timestamp}->${c[0].cpu!.timestamp}\n`, intervalMs: 1, watch: false, tty: false, signal: ac.signal, write: (t) => out.push(t) });
    assert.deepEqual(out, ['1000000000->2000000000\n']);
  });

  it('without --watch and -o json: the first sample only, no waiting', async () => {
    const out: string[] = [];
    let samples = 0;
    await statsLoop({
      sample: async () => (samples++, []),
      table: () => 'x',
      document: () => '{"stats": []}',
      intervalMs: 60_000,
      watch: false,
      tty: false,
      signal: new AbortController().signal,
      write: (t) => out.push(t),
    });
    assert.deepEqual(out, ['{"stats": []}\n']);
    assert.equal(samples, 1);
  });

  it('with --watch: frames measured against the previous sample until aborted, then ends normally', async () => {
    const out: string[] = [];
    const ac = new AbortController();
    await statsLoop({
      sample: counter(),
      table: (p, c) => `${p[0].cpu!.timestamp}->${c[0].cpu!.timestamp}\n`,
      intervalMs: 1,
      watch: true,
      tty: false,
      signal: ac.signal,
      write: (t) => {
        out.push(t);
        if (out.length === 3) ac.abort();
      },
    });
    assert.deepEqual(out, ['1000000000->2000000000\n\n', '2000000000->3000000000\n\n', '3000000000->4000000000\n\n']);
  });

  it('Ctrl-C without --watch is an interruption (exit 130)', async () => {
    const ac = new AbortController();
    const done = statsLoop({ sample: counter(), table: () => '', intervalMs: 60_000, watch: false, tty: false, signal: ac.signal, write: () => undefined });
    setImmediate(() => ac.abort());
    await assert.rejects(done, (e: CliError) => e.exitCode === 130);
  });
});
