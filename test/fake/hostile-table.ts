/**
 * The table, for the build in dist/: every hostile mode against
 * `version` and `ps -a` (2,000 containers), with time, peak RSS, exit code
 * and the first line printed. A report, not a test:
 *
 *   npm run build && node dist/test/fake/hostile-table.js [MODE…]
 *
 * TCRICTL_HOSTILE_TIMEOUT sets tcrictl's -t (default 2s); a run is killed
 * 13 s after that.
 */
import { HOSTILE_MODES, startHostile, type HostileMode } from './hostile';
import { measureCli } from './measure';
import { callAnswers } from './hostile-answers';

async function main(): Promise<void> {
  const timeout = process.env.TCRICTL_HOSTILE_TIMEOUT ?? '2s';
  const wanted = process.argv.slice(2);
  const answers = callAnswers();
  process.stdout.write(`tcrictl -t ${timeout}; killed at +13 s\n\n| misbehaviour | command | time (after connecting) | peak RSS | exit | first line |\n|---|---|---|---|---|---|\n`);
  for (const { mode } of HOSTILE_MODES) {
    if (wanted.length && !wanted.includes(mode)) continue;
    for (const call of answers) {
      const h = await startHostile(mode as HostileMode, { answer: call.answer });
      try {
        const r = await measureCli([...call.args, '-r', h.endpoint, '-t', timeout], 15_000);
        const first = (r.code === 0 ? r.stdout : r.stderr).split('\n')[0].replace(h.socket, '$SOCK').slice(0, 110);
        const code = r.hung ? 'killed' : r.signal ?? r.code;
        const after = h.firstAcceptNs === undefined ? 'never connected' : `${(Number(r.endedNs - h.firstAcceptNs) / 1e9).toFixed(2)} s`;
        process.stdout.write(`| ${mode} | ${call.args.join(' ')} | ${(r.elapsedMs / 1000).toFixed(2)} s (${after}) | ${r.peakRssMiB.toFixed(0)} MiB | ${code} | ${JSON.stringify(first).slice(1, -1).replace(/\|/g, '\\|')} |\n`);
      } finally {
        await h.stop();
      }
    }
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
