/**
 * Rules comparing the kubelet's configuration with the runtime: the endpoint
 * it dials (F04), the cgroup driver (F18, F19), the pause image it protects
 * (F23) and a cgroup v1 host (F21).
 */
import type { Facts, Valued } from '../facts';
import type { Finding } from '../finding';
import { CRI_V1, criTablePaths, handlerCgroupDriver } from '../runtime-config';
import { formatRef } from '../text';
import { configPath, restartContainerd, restartKubelet, usesSystemd } from './common';

export function kubeletFileRules(f: Facts): Finding[] {
  const c = f.kubelet.config;
  if (c.status !== 'invalid') return [];
  return [
    {
      id: 'kubelet-config-invalid',
      severity: 'error',
      stage: 'node',
      title: `${c.path}${c.line ? `:${c.line}` : ''}: the kubelet config does not parse`,
      evidence: [`${c.path}${c.line ? `:${c.line}${c.column ? `:${c.column}` : ''}` : ''}: ${c.error}`],
      explanation: 'The kubelet refuses to start with a config file it cannot parse, so the node is NotReady whatever the runtime does. Checks that compare the kubelet with the runtime were done with what could be read.',
      fix: [`Fix the YAML at ${c.path}`, restartKubelet(f)],
    },
  ];
}

export function kubeletEndpointRules(f: Facts): Finding[] {
  const k = f.kubelet.endpoint;
  if (!k) return [];
  const out: Finding[] = [];
  const chosen = f.endpoints.chosen;
  const where = formatRef(k.ref);
  if (!k.endpoint) {
    return [
      {
        id: 'kubelet-endpoint-invalid',
        severity: 'error',
        stage: 'node',
        title: `The kubelet's runtime endpoint ${JSON.stringify(k.raw)} is not usable`,
        evidence: [where, k.problem ?? 'malformed endpoint'],
        explanation: 'The kubelet cannot dial this endpoint, so it never reaches a runtime and the node stays NotReady.',
        fix: [`Set it to the runtime's socket, e.g. unix://${chosen?.socket ?? '/run/containerd/containerd.sock'}`, restartKubelet(f)],
        catalogue: ['F04'],
      },
    ];
  }
  if (k.problem) {
    out.push({
      id: 'kubelet-endpoint-no-scheme',
      severity: 'warning',
      stage: 'node',
      title: `The kubelet's runtime endpoint ${JSON.stringify(k.raw)} has no unix:// scheme`,
      evidence: [where],
      explanation: 'Endpoints without a URL scheme are deprecated ("Usage of CRI endpoints without URL scheme is deprecated") and rejected by newer releases.',
      fix: [`Write it as unix://${k.raw.replace(/^unix:\/\//, '')}`, restartKubelet(f)],
      catalogue: ['F04'],
    });
  }
  const kp = f.endpoints.probes.find((p) => p.kind === 'kubelet' && p.endpoint === k.endpoint);
  // Deduplicated into an earlier candidate: the kubelet dials the same socket as the one diagnosed.
  if (!kp || !chosen || kp === chosen) return out;
  const up = chosen.outcome === 'ok' || chosen.outcome === 'not-cri';
  if (!up) return out;
  const dockershim = /dockershim\.sock$/.test(kp.socket);
  const fixLine = /kubeadm-flags/.test(k.ref.file ?? '')
    ? `Set --container-runtime-endpoint=${chosen.endpoint} in ${k.ref.file}`
    : `Set containerRuntimeEndpoint: ${chosen.endpoint} in ${k.ref.file ?? f.kubelet.config.path}`;
  if (kp.outcome === 'ok') {
    out.push({
      id: 'kubelet-endpoint-differs',
      severity: 'warning',
      stage: 'node',
      title: `The kubelet uses the runtime at ${kp.socket}, not the one diagnosed (${chosen.socket})`,
      evidence: [where, `${kp.socket}: ${kp.detail}`, `${chosen.socket} (${chosen.source}): ${chosen.detail}`],
      explanation: 'Two runtimes answer; the kubelet runs pods on its own endpoint. Findings about the other runtime do not affect the kubelet\'s pods.',
      fix: [`Diagnose the kubelet's runtime: tcrictl -r ${kp.endpoint} diagnose`],
      catalogue: ['F04'],
    });
    return out;
  }
  out.push({
    id: 'kubelet-endpoint-mismatch',
    severity: 'error',
    stage: 'node',
    title: `The kubelet is configured for ${kp.socket}, which ${kp.outcome === 'missing' ? 'does not exist' : `does not work (${kp.detail})`}; the runtime answers at ${chosen.socket}`,
    evidence: [where, `${kp.socket}: ${kp.detail}`, `${chosen.socket} (${chosen.source}): ${chosen.detail}`],
    explanation:
      (dockershim ? 'dockershim was removed in Kubernetes 1.24; this endpoint is a leftover. ' : '') +
      `The runtime is up, but the kubelet dials another socket; its start-up check (validate CRI v1 runtime API for endpoint ${JSON.stringify(k.raw)}) fails, so the node stays NotReady and no pod starts.`,
    fix: [fixLine, restartKubelet(f)],
    catalogue: ['F04'],
  });
  return out;
}

/** The runtime's cgroup driver: RuntimeConfig (containerd 2.x, CRI-O) or SystemdCgroup of the default handler. */
export function runtimeCgroupDriver(f: Facts): Valued<'systemd' | 'cgroupfs'> | undefined {
  if (f.cri?.cgroupDriver) return { value: f.cri.cgroupDriver === 'SYSTEMD' ? 'systemd' : 'cgroupfs', ref: { what: 'CRI RuntimeConfig' } };
  const s = f.settings;
  if (!s) return undefined;
  return handlerCgroupDriver(s, s.defaultRuntimeName?.value ?? 'runc');
}

export function cgroupRules(f: Facts): Finding[] {
  const out: Finding[] = [];
  const kd = f.kubelet.cgroupDriver;
  const rd = runtimeCgroupDriver(f);
  const handler = f.settings?.defaultRuntimeName?.value ?? 'runc';
  const optionsTable = `[plugins."${CRI_V1}".containerd.runtimes.${handler}.options]`;
  const optionsTableFor = () => {
    const v = f.runtimeConfig?.version ?? 2;
    const t = criTablePaths(v).runtime;
    return v >= 3 ? `[plugins."${t[1]}".containerd.runtimes.${handler}.options]` : optionsTable;
  };
  if (kd && rd && kd.value !== rd.value) {
    const systemdHost = usesSystemd(f);
    const target = f.host.pid1 === undefined ? 'systemd' : systemdHost ? 'systemd' : 'cgroupfs';
    const fix: string[] = [];
    if (rd.value !== target) {
      fix.push(`Drain the node first: $ kubectl drain <node> --ignore-daemonsets`);
      fix.push(`Set SystemdCgroup = ${target === 'systemd'} under ${optionsTableFor()} in ${configPath(f)}`, restartContainerd(f));
    }
    if (kd.value !== target) fix.push(kd.ref.file && /kubeadm-flags/.test(kd.ref.file) ? `Set --cgroup-driver=${target} in ${kd.ref.file}` : `Set cgroupDriver: ${target} in ${f.kubelet.config.path}`, restartKubelet(f));
    const hostNote = f.host.pid1 === undefined ? '' : systemdHost ? ' This host boots with systemd, so systemd is the right driver for both.' : ` PID 1 here is ${f.host.pid1}, not systemd, so cgroupfs is the right driver for both.`;
    out.push({
      id: 'cgroup-driver-mismatch',
      severity: 'error',
      stage: 'node',
      title: `Cgroup driver mismatch: the kubelet uses ${kd.value}, the runtime (handler "${handler}") uses ${rd.value}`,
      evidence: [`kubelet: ${formatRef(kd.ref) || `cgroupDriver: ${kd.value}`}${kd.defaulted ? '' : ''}`, `runtime: ${formatRef(rd.ref)}`],
      explanation:
        (kd.value === 'cgroupfs'
          ? 'The kubelet sends cgroupfs paths (/kubepods/…) as cgroup parents, but runc is told to use systemd: every pod fails to start with: expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups.'
          : 'The kubelet manages pods in systemd slices (kubepods.slice) while runc creates plain cgroupfs directories: nothing fails at once, but two managers own the cgroup tree, so limits, accounting and evictions go wrong and pods get restarted unexpectedly, often after a kubelet or containerd restart.') + hostNote,
      fix,
      catalogue: [kd.value === 'cgroupfs' ? 'F18' : 'F19', 'F20'],
    });
  } else if (rd?.value === 'systemd' && f.host.pid1 !== undefined && !usesSystemd(f)) {
    out.push({
      id: 'cgroup-systemd-without-systemd',
      severity: 'warning',
      stage: 'node',
      title: `The runtime uses the systemd cgroup driver, but PID 1 is ${f.host.pid1}, not systemd`,
      evidence: [`runtime: ${formatRef(rd.ref)}`, `/proc/1/comm: ${f.host.pid1}`],
      explanation: 'runc\'s systemd driver asks systemd (over D-Bus) to create each container\'s scope; without systemd, container creation fails.',
      fix: [`Set SystemdCgroup = false under ${optionsTableFor()}${kd ? ' and cgroupDriver: cgroupfs for the kubelet' : ''}`, restartContainerd(f)],
      catalogue: ['F18'],
    });
  }
  if (kd && f.host.cgroupV2 === false) {
    const fail = f.kubelet.failCgroupV1;
    out.push({
      id: 'host-cgroup-v1',
      severity: fail?.value === true ? 'error' : 'info',
      stage: 'node',
      title: 'This host uses cgroup v1; kubelet 1.35 and later refuse to start on it by default',
      evidence: ['/sys/fs/cgroup/cgroup.controllers does not exist (no unified hierarchy)', ...(fail ? [formatRef(fail.ref)] : ['failCgroupV1 not set (defaults to true from kubelet 1.35)'])],
      explanation: 'cgroup v1 support is deprecated; from 1.35 the kubelet exits with "kubelet is configured to not run on a host using cgroup v1" unless failCgroupV1: false.',
      fix: ['Boot with the unified hierarchy (systemd.unified_cgroup_hierarchy=1 on the kernel command line)', 'Or, temporarily, set failCgroupV1: false in the kubelet config'],
      catalogue: ['F21'],
    });
  }
  return out;
}

export function sandboxMismatchRules(f: Facts): Finding[] {
  const want = f.kubelet.podInfraContainerImage;
  const have = f.settings?.sandboxImage;
  if (!want || !have || want.value === have.value) return [];
  return [
    {
      id: 'sandbox-image-mismatch',
      severity: 'warning',
      stage: 'node',
      title: `The kubelet expects pause image ${want.value}, the runtime uses ${have.value}`,
      evidence: [formatRef(want.ref), `runtime: ${formatRef(have.ref) || have.value}`],
      explanation: 'The kubelet keeps the image named by --pod-infra-container-image safe from image garbage collection; the runtime\'s own pause image is not protected and can be deleted, leaving new pods stuck in ContainerCreating on an air-gapped node. kubeadm warns about this mismatch too.',
      fix: [`Make them equal: sandbox_image in ${configPath(f)} or --pod-infra-container-image in ${want.ref.file}`],
      catalogue: ['F23'],
    },
  ];
}
