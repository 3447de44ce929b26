/** `tcrictl version` against the real containerd: the cost of starting up and one RPC. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchCase, RunResult } from '../lib';
import { makeHostRoot } from '../../test/fake/cli';
import { buildFloor } from '../floor/build';

const checkVersion = (r: RunResult) => {
  if (!/RuntimeName:  containerd/.test(r.stdout.toString())) throw new Error(`unexpected output: ${r.stdout.toString().slice(0, 200)}`);
};

const cases: BenchCase[] = [
  {
    name: 'version',
    description: 'tcrictl version -r <containerd>',
    // The floor: a bare grpc-js Version call, bundled and code-cached as tcrictl is (bench/floor/).
    target: { maxRatioTo: { name: 'grpc-js floor', ratio: 1.3 } },
    async setup(ctx) {
      const ctd = await ctx.containerd();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-floor-'));
      const floor = await buildFloor(dir, ctd.endpoint);
      return {
        args: ['version', '-r', ctd.endpoint],
        check: checkVersion,
        others: [{ name: 'grpc-js floor', command: floor }],
        crictlArgs: ['-r', ctd.endpoint, 'version'],
        teardown: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'version-autodetect',
    description: 'tcrictl version (auto-detected containerd)',
    target: { maxRatio: 2.0 },
    async setup(ctx) {
      const ctd = await ctx.containerd();
      // A host layout whose /run/containerd/containerd.sock is the harness's socket.
      const root = makeHostRoot();
      fs.mkdirSync(path.join(root, 'run/containerd'), { recursive: true });
      fs.symlinkSync(ctd.socket, path.join(root, 'run/containerd/containerd.sock'));
      return {
        args: ['version'],
        env: { TCRICTL_HOST_ROOT: root },
        crictlArgs: ['-r', ctd.endpoint, 'version'],
        check: checkVersion,
        teardown: async () => fs.rmSync(root, { recursive: true, force: true }),
      };
    },
  },
];

export default cases;
