/**
 * Start-up (issue 5): `version` and `--help` from the bundled JS (`node
 * bin/run.js`, what `npm install -g` gives) and from the single executable
 * dist/tcrictl, each against `node -e 0` in the same run; peak RSS of version.
 * The executable has no target of its own (the issue asks for its figure);
 * it is rebuilt first when missing or older than the bundle (~10 s).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchCase, RunResult } from '../lib';

const root = path.resolve(__dirname, '..', '..', '..');
const exe = path.join(root, 'dist', 'tcrictl');

const checkVersion = (r: RunResult) => {
  if (!/RuntimeName:  containerd/.test(r.stdout.toString())) throw new Error(`unexpected output: ${r.stdout.toString().slice(0, 200)}`);
};
const checkHelp = (r: RunResult) => {
  if (!/^USAGE/m.test(r.stdout.toString()) || !/\bps\b/.test(r.stdout.toString())) throw new Error(`unexpected help: ${r.stdout.toString().slice(0, 200)}`);
};

/** dist/tcrictl, built from the current bundle (scripts/build-binary.js writes dist/tcrictl.build-id). */
function executable(): string[] {
  const head = fs.readFileSync(path.join(root, 'dist', 'tcrictl.js'), 'latin1').slice(0, 80);
  const id = /^\/\/ tcrictl-build ([0-9a-f]{16})/.exec(head)?.[1];
  const stamp = `${exe}.build-id`;
  const fresh = fs.existsSync(exe) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === id;
  if (!fresh) {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-binary.js')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build:binary failed: ${r.stderr || r.stdout}`);
  }
  return [exe];
}

const cases: BenchCase[] = [
  {
    name: 'startup-version',
    description: 'bundled JS: tcrictl version -r <containerd>',
    // Its speed target is the 'version' case's: against the grpc-js floor (the transport's own cost).
    target: { maxRssMiB: 80 },
    async setup(ctx) {
      const ctd = await ctx.containerd();
      return { args: ['version', '-r', ctd.endpoint], check: checkVersion };
    },
  },
  {
    name: 'startup-help',
    description: 'bundled JS: tcrictl --help',
    target: { maxRatio: 1.6 },
    async setup() {
      return { args: ['--help'], check: checkHelp };
    },
  },
  {
    name: 'startup-sea-version',
    description: 'executable: dist/tcrictl version -r <containerd>',
    target: {},
    async setup(ctx) {
      const ctd = await ctx.containerd();
      return { command: executable(), args: ['version', '-r', ctd.endpoint], check: checkVersion };
    },
  },
  {
    name: 'startup-sea-help',
    description: 'executable: dist/tcrictl --help',
    target: {},
    async setup() {
      return { command: executable(), args: ['--help'], check: checkHelp };
    },
  },
];

export default cases;
