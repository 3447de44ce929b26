/** `tcrictl diagnose` on a healthy node (issue 4: median ≤ 1 s), the runtime found through the kubelet's endpoint. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchCase, RunResult } from '../lib';
import { makeHostRoot } from '../../test/fake/cli';

const checkHealthy = (r: RunResult) => {
  const report = JSON.parse(r.stdout.toString()) as { status: string; findings: { id: string; severity: string }[] };
  const problems = report.findings.filter((f) => f.severity !== 'info');
  if (report.status !== 'healthy' || problems.length) throw new Error(`not healthy: ${problems.map((f) => f.id).join(', ')}`);
};

const cases: BenchCase[] = [
  {
    name: 'diagnose',
    description: 'tcrictl diagnose -o json on a healthy node (kubelet config + containerd)',
    target: { maxMedianMs: 1000 },
    async setup(ctx) {
      const ctd = await ctx.containerd();
      const root = makeHostRoot();
      fs.mkdirSync(path.join(root, 'run/containerd'), { recursive: true });
      fs.symlinkSync(ctd.socket, path.join(root, 'run/containerd/containerd.sock'));
      fs.mkdirSync(path.join(root, 'var/lib/kubelet'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'var/lib/kubelet/config.yaml'),
        'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: cgroupfs\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n',
      );
      return {
        args: ['diagnose', '-o', 'json', '--runtime-config', ctd.configPath],
        env: { TCRICTL_HOST_ROOT: root },
        check: checkHealthy,
        teardown: async () => fs.rmSync(root, { recursive: true, force: true }),
      };
    },
  },
];

export default cases;
