/**
 * Cross-checks on the node, made without starting anything: runtime handler
 * binaries (F27, F28), CNI config and plugins (F24, F25), the sandbox image
 * (F22, F23), the image filesystem (F29, F30), hosts.toml (F31), the pod log
 * directory, and containers that crash-loop or were OOM-killed.
 */
import type { Facts, HandlerFacts } from '../facts';
import type { Finding } from '../finding';
import { CRI_V1, criTablePaths } from '../runtime-config';
import { formatRef, plural } from '../text';
import { lookupBinary, SYSTEMD_DEFAULT_PATH } from '../collect/node';
import { configPath, containerdVersion, restartContainerd, versionAtLeast, versionTuple } from './common';

function searchedText(dirs: string[]): string {
  return dirs.length > 8 ? `${dirs.slice(0, 8).join(':')}:…` : dirs.join(':');
}

export function handlerRules(f: Facts): Finding[] {
  const out: Finding[] = [];
  const pathSource = f.searchPath?.source ?? 'PATH';
  for (const h of f.handlers ?? []) {
    if (h.shim && !h.shim.found) out.push(shimMissing(f, h, pathSource));
    else if (h.ociRuntime && !h.ociRuntime.found) out.push(ociMissing(f, h, pathSource));
  }
  return out;
}

/** Who is hit, as the subject of "fail(s) to start". */
function usedBy(h: HandlerFacts): string {
  return h.isDefault ? 'every pod (this is the default runtime) fails' : `every pod whose RuntimeClass handler is "${h.name}" fails`;
}

function shimMissing(f: Facts, h: HandlerFacts, pathSource: string): Finding {
  const shim = h.shim!;
  if (shim.unusable) return binaryUnusable(f, h, shim.unusable, [`${formatRef(h.ref) || `runtimes.${h.name}`}`], 'F28');
  const abs = shim.name.startsWith('/');
  return {
    id: 'runtime-shim-missing',
    severity: 'error',
    stage: 'node',
    title: `Runtime handler "${h.name}": shim ${shim.name} ${abs ? 'does not exist' : 'is not installed'}`,
    subject: h.name,
    evidence: [
      `${formatRef(h.ref) || `runtimes.${h.name}`}${h.ref?.line ? '' : `: runtime_type = ${JSON.stringify(h.runtimeType)}`}`,
      abs ? `stat ${shim.name}: no such file` : `runtime_type ${JSON.stringify(h.runtimeType)} → binary ${shim.name}, not found in ${searchedText(shim.searched)} (${pathSource})`,
    ],
    explanation: `containerd starts one shim per pod from runtime_type (io.containerd.<name>.<version> → containerd-shim-<name>-<version>). Without it, ${usedBy(h)} to start: "failed to start shim: … ${shim.name}: executable file not found in $PATH".`,
    fix: [
      h.runtimeType.includes('runc') ? 'Install the shim: it ships with containerd (package containerd / containerd.io)' : `Install the runtime that provides ${shim.name} (e.g. kata-containers, gVisor), or fix runtime_type`,
      ...(h.isDefault ? [] : [`Or remove the "${h.name}" runtime from ${configPath(f)} (and its RuntimeClass) if it is not used`]),
      restartContainerd(f),
    ],
    catalogue: ['F28'],
  };
}

/** Where an OCI runtime lies outside the search path, to say "it is there, just not on containerd's PATH". */
function elsewhere(f: Facts, name: string): string | undefined {
  const dirs = [...SYSTEMD_DEFAULT_PATH, f.searchPath?.binaryDir, '/usr/local/sbin', '/opt/bin'].filter((d): d is string => !!d);
  const hit = lookupBinary(name, [...new Set(dirs)]);
  return hit.found;
}

function ociMissing(f: Facts, h: HandlerFacts, pathSource: string): Finding {
  const b = h.ociRuntime!;
  const abs = b.name.startsWith('/');
  const where = b.fromBinaryName ? [`${formatRef(b.ref) || `runtimes.${h.name}.options.BinaryName = ${JSON.stringify(b.name)}`}`] : [];
  if (b.unusable) return binaryUnusable(f, h, b.unusable, where, 'F27');
  const other = abs ? undefined : elsewhere(f, b.name);
  const evidence = [...where, abs ? `stat ${b.name}: no such file` : `${b.name} not found in ${searchedText(b.searched)} (${pathSource})`];
  if (other) evidence.push(`${other} exists, but ${pathDir(other)} is not on containerd's PATH (containerd looks next to its own binary for shims only, never for ${b.name})`);
  const execErr = abs ? `fork/exec ${b.name}: no such file or directory` : `exec: "${b.name}": executable file not found in $PATH`;
  return {
    id: 'runtime-binary-missing',
    severity: 'error',
    stage: 'node',
    title: other ? `Runtime handler "${h.name}": ${b.name} is not on containerd's PATH (it is at ${other})` : `Runtime handler "${h.name}": OCI runtime ${b.name} not found`,
    subject: h.name,
    evidence,
    explanation: `The shim runs ${b.fromBinaryName ? 'the binary named by BinaryName' : "runc, looked up in containerd's own PATH"} to create containers; without it ${usedBy(h)}: "OCI runtime create failed: … ${execErr}".`,
    fix: other
      ? [`Set BinaryName = ${JSON.stringify(other)} in [plugins."${CRI_V1}".containerd.runtimes.${h.name}.options] of ${configPath(f)}, or add ${pathDir(other)} to containerd's PATH (systemd: Environment="PATH=…:${pathDir(other)}" in a drop-in for containerd.service)`, restartContainerd(f)]
      : [b.fromBinaryName ? `Point BinaryName at an existing runc (e.g. /usr/sbin/runc), or remove it to use runc from PATH` : 'Install runc (package runc)', restartContainerd(f)],
    catalogue: ['F27'],
  };
}

function pathDir(p: string): string {
  return p.slice(0, p.lastIndexOf('/')) || '/';
}

/** A shim or runtime binary that exists but cannot be executed: say exactly that, never "missing". */
function binaryUnusable(f: Facts, h: HandlerFacts, u: { path: string; why: string }, where: string[], cat: string): Finding {
  const isDir = /directory/.test(u.why);
  return {
    id: 'runtime-binary-unusable',
    severity: 'error',
    stage: 'node',
    title: `Runtime handler "${h.name}": ${u.path} ${u.why}`,
    subject: h.name,
    evidence: [...where, `${u.path}: ${u.why}`],
    explanation: `containerd finds ${u.path} but cannot execute it, so ${usedBy(h)}: "… fork/exec ${u.path}: permission denied".`,
    fix: [isDir ? `Replace ${u.path} with the binary it should be` : `$ sudo chmod 755 ${u.path}`, 'Then start the failed pods again (the kubelet retries on its own); no restart of containerd is needed'],
    catalogue: [cat],
  };
}

// ---------------------------------------------------------------- CNI

export function cniRules(f: Facts): Finding[] {
  const cni = f.cni;
  const nr = f.cri?.conditions?.find((c) => c.type === 'NetworkReady');
  const notReady = nr && !nr.status;
  const out: Finding[] = [];
  const statusLines = notReady ? [`CRI Status: NetworkReady=false reason=${nr!.reason} message=${nr!.message}`] : [];
  if (!f.cri?.conditions) statusLines.push('The runtime could not be asked for its network status; this comes from the CNI directories on disk');
  if (f.cri?.lastCNILoadStatus && f.cri.lastCNILoadStatus !== 'OK') statusLines.push(`lastCNILoadStatus: ${f.cri.lastCNILoadStatus}`);
  const v = f.runtimeConfig?.version ?? 2;
  const confKey = `conf_dir in [plugins."${criTablePaths(v).runtime[1]}".cni]`;
  if (cni && (cni.confDirState === 'empty' || cni.confDirState === 'missing')) {
    out.push({
      id: 'cni-config-missing',
      severity: 'error',
      stage: 'node',
      title: `No CNI network config in ${cni.confDir}: pod networking is not ready`,
      evidence: [
        ...statusLines,
        `${cni.confDir}: ${cni.confDirState === 'missing' ? 'does not exist' : 'no *.conf, *.conflist or *.json files'}`,
        ...(cni.ignored?.length ? [`${cni.confDir} holds ${cni.ignored.join(', ')}, which containerd skips: it reads only *.conf, *.conflist and *.json`] : []),
        cni.confDirRef ? formatRef(cni.confDirRef) : `CNI conf_dir from ${cni.source}`,
      ],
      explanation:
        'Without a network config the runtime reports NetworkReady=false ("cni plugin not initialized"); the kubelet keeps the node NotReady and pods that need the pod network stay in ContainerCreating. Normally the cluster\'s CNI add-on (a DaemonSet such as Calico, Cilium or Flannel) writes this file.',
      fix: [
        ...(cni.ignored?.length ? [`If ${cni.confDir}/${cni.ignored[0]} is the config meant, give it back its .conflist (or .conf) name; containerd picks it up without a restart`] : []),
        'Install or repair the CNI add-on (check its DaemonSet pod on this node)',
        `Or, if the config lives elsewhere, point ${confKey} in ${configPath(f)} at it and restart containerd`,
      ],
      catalogue: ['F24'],
    });
  } else if (cni && cni.files[0]?.error) {
    // containerd (go-cni) reads the files in lexical order and gives up at the first broken one.
    const bad = cni.files[0];
    const good = cni.files.find((x) => !x.error);
    out.push({
      id: 'cni-config-invalid',
      severity: 'error',
      stage: 'node',
      title: `CNI config ${cni.confDir}/${bad.name} does not parse: ${bad.error}`,
      evidence: [
        ...statusLines,
        `${cni.confDir}/${bad.name}: ${bad.error}`,
        `Files in lexical order: ${cni.files.map((x) => `${x.name}${x.error ? ' (broken)' : ''}`).join(', ')}`,
      ],
      explanation: `containerd loads the CNI config files in lexical order and stops at the first one that fails to parse, so ${good ? `the valid ${good.name} after it is never reached: ` : ''}no network config loads, the runtime reports NetworkReady=false and pods cannot get a network.`,
      fix: [
        good ? `Fix ${cni.confDir}/${bad.name}, or remove it if it is a leftover (${good.name} is valid and would then be used)` : `Fix ${cni.confDir}/${bad.name}, or regenerate it (usually by restarting the CNI add-on's pod on this node)`,
        'containerd picks up the change by itself (it watches the directory); no restart is needed',
      ],
      catalogue: ['F24'],
    });
  } else if (notReady) {
    out.push({
      id: 'network-not-ready',
      severity: 'error',
      stage: 'cri',
      title: `The runtime reports NetworkReady=false (${nr!.reason || 'no reason given'})`,
      evidence: [...statusLines, ...(cni ? [`${cni.confDir}: ${cni.files.map((x) => x.name).join(', ') || 'no files'}`] : [])],
      explanation: 'The kubelet keeps the node NotReady while the pod network is not ready.',
      fix: ['Act on the message above; if the CNI config was only just written, containerd may need a restart to notice it (containerd#7196)', restartContainerd(f)],
      catalogue: ['F24'],
    });
  }
  for (const u of cni?.unusable ?? []) {
    out.push({
      id: 'cni-plugin-unusable',
      severity: 'error',
      stage: 'node',
      title: `CNI plugin "${u.type}": ${u.path} ${u.why}`,
      subject: u.type,
      evidence: [`${u.path}: ${u.why} (network ${u.networks.map((n) => JSON.stringify(n)).join(', ')})`, cni!.binDirsRef ? formatRef(cni!.binDirsRef) : `CNI bin_dir from ${cni!.source}`],
      explanation: `containerd finds the plugin but cannot run it, so every pod that needs the pod network fails while its sandbox is set up (plugin type="${u.type}" failed (add)). The node looks Ready.`,
      fix: [/format/.test(u.why) ? `Replace ${u.path} with the plugin built for this node (reinstall the CNI plugins)` : `$ sudo chmod 755 ${u.path}`, 'The kubelet retries the pods on its own; no restart is needed'],
      catalogue: ['F25'],
    });
  }
  if (cni && cni.missing.length) {
    const first = cni.missing[0].type;
    const alt = cni.alternatives[0];
    out.push({
      id: 'cni-plugin-missing',
      severity: 'error',
      stage: 'node',
      title: `CNI plugin${cni.missing.length === 1 ? '' : 's'} ${cni.missing.map((m) => JSON.stringify(m.type)).join(', ')} not found in ${cni.binDirs.join(', ')}`,
      evidence: [
        ...cni.missing.map((m) => `plugin type ${JSON.stringify(m.type)} (network ${m.networks.map((n) => JSON.stringify(n)).join(', ')}) is not in ${cni.binDirs.join(', ')}`),
        cni.binDirsRef ? formatRef(cni.binDirsRef) : `CNI bin_dir from ${cni.source}`,
        ...(nr?.status ? ['CRI Status: NetworkReady=true — the runtime only checks that a config loaded, not that its plugins exist'] : []),
        ...(f.cri?.conditions ? [] : ['The runtime could not be asked which networks it loaded; this comes from the CNI conf dir on disk']),
        ...(alt ? [`${alt} has ${cni.missing.map((m) => m.type).join(', ')}`] : []),
      ],
      explanation: `Every pod that needs the pod network fails while its sandbox is set up: failed to setup network for sandbox …: plugin type="${first}" failed (add): failed to find plugin "${first}" in path [${cni.binDirs.join(' ')}]. The node looks Ready, which makes this easy to miss.`,
      fix: alt
        ? [`Point bin_dir in [plugins."${CRI_V1}".cni] at ${alt} (${configPath(f)})`, restartContainerd(f)]
        : ['Install the CNI plugins (package containernetworking-plugins, or the CNI add-on\'s installer) into the bin dir', `Or set bin_dir in [plugins."${CRI_V1}".cni] to where they are, and restart containerd`],
      catalogue: ['F25'],
    });
  }
  return out;
}

// ---------------------------------------------------------------- sandbox image

export function sandboxRules(f: Facts): Finding[] {
  const s = f.sandbox;
  if (!s) return [];
  const out: Finding[] = [];
  if (s.present === false) {
    const attempts = s.pull?.attempts ?? [];
    const reachable = attempts.some((a) => a.result === 'reachable');
    const where = formatRef(s.ref.ref);
    const evidence = [`ImageStatus(${JSON.stringify(s.ref.value)}): not present in the runtime's image store`, `sandbox image from ${where || 'the runtime'}`];
    if (s.pull) {
      // A broken hosts.toml is its own warning (registry-hosts-invalid): containerd ignores it, so it is not why the pull fails.
      if (s.pull.hostsFile) evidence.push(s.pull.hostsBroken ? `registry config: ${s.pull.hostsFile} does not parse, so containerd ignores it and goes to the registry itself (see registry-hosts-invalid)` : `registry config: ${s.pull.hostsFile}`);
      for (const a of attempts) evidence.push(`the runtime would pull from ${a.url}: ${a.detail}`);
    }
    evidence.push(s.localPauseImages.length ? `pause images that are present: ${s.localPauseImages.join(', ')}` : 'no pause image is present locally');
    out.push({
      id: 'sandbox-image-missing',
      severity: reachable ? 'warning' : 'error',
      stage: 'node',
      title: reachable
        ? `Sandbox image ${s.ref.value} is not present; it will be pulled when the first pod starts`
        : `Sandbox image ${s.ref.value} is not present and its registry cannot be reached`,
      evidence,
      explanation: reachable
        ? 'Every pod needs the pause image. It is not here yet, but its registry answers, so the first RunPodSandbox will pull it (slow first start; breaks if the registry needs credentials).'
        : `Every pod starts with the pause image. It is not present and the registry (${s.pull?.host ?? 'unknown'}) cannot be reached, so every RunPodSandbox fails: "failed to get sandbox image ${JSON.stringify(s.ref.value)}: failed to pull image …". tcrictl did not try to pull it.`,
      fix: [
        `Load it: $ ctr -n k8s.io images import pause.tar   (on a machine with access: ctr images export pause.tar ${s.ref.value})`,
        ...(s.localPauseImages.length ? [`Or use a pause image that is present: set sandbox_image = ${JSON.stringify(s.localPauseImages[0])} in ${configPath(f)} and restart containerd`] : []),
        'Or make the registry reachable (a mirror in <config_path>/<host>/hosts.toml)',
      ],
      catalogue: ['F22'],
    });
  } else if (s.present && s.pinned === false) {
    const v = versionTuple(containerdVersion(f));
    const old = v && v[0] === 1 && ((v[1] === 6 && !versionAtLeast(v, [1, 6, 22])) || (v[1] === 7 && !versionAtLeast(v, [1, 7, 3])) || v[1] < 6);
    if (old) {
      out.push({
        id: 'sandbox-image-unpinned',
        severity: 'info',
        stage: 'node',
        title: `Sandbox image ${s.ref.value} is not pinned against image garbage collection`,
        evidence: [`ImageStatus: pinned=false`, `containerd ${containerdVersion(f)} (pinning arrived in 1.6.22 / 1.7.3)`],
        explanation: 'The kubelet\'s image GC may delete an unpinned pause image under disk pressure; on an air-gapped node new pods then cannot start.',
        fix: ['Upgrade containerd to 1.6.22+/1.7.3+, or keep --pod-infra-container-image equal to the sandbox image so the kubelet protects it'],
        catalogue: ['F23'],
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- storage

const UNSUPPORTED_UPPER = new Set(['overlay', 'nfs', 'nfs4', 'aufs', 'fuse.overlayfs', 'tmpfs-overlay']);

function parsePercentOrBytes(v: string, total: number): number | undefined {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(v.trim());
  if (m) return (Number(m[1]) / 100) * total;
  const b = /^(\d+(?:\.\d+)?)([KMGT]i?)?$/.exec(v.trim());
  if (!b) return undefined;
  const unit: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(b[1]) * (b[2] ? unit[b[2]] : 1);
}

function gib(n: number): string {
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

export function storageRules(f: Facts): Finding[] {
  const out: Finding[] = [];
  const snap = f.settings?.snapshotter?.value;
  for (const fs of f.imagefs ?? []) {
    if (fs.fsType && snap === 'overlayfs' && UNSUPPORTED_UPPER.has(fs.fsType) && /overlayfs/.test(fs.mountpoint)) {
      out.push({
        id: 'snapshotter-unsupported-fs',
        severity: 'error',
        stage: 'node',
        title: `The overlayfs snapshotter sits on a ${fs.fsType} filesystem (${fs.mountpoint})`,
        evidence: [`ImageFsInfo mountpoint ${fs.mountpoint}`, `/proc/self/mountinfo: filesystem type ${fs.fsType}`, `snapshotter = overlayfs (${formatRef(f.settings!.snapshotter!.ref)})`],
        explanation: `overlayfs cannot use a ${fs.fsType} directory as its upper layer. containerd still reports the plugin as ok, but every container fails: "failed to mount rootfs component … invalid argument".`,
        fix: ['Move containerd\'s root to ext4 or xfs (ftype=1)', 'Or use snapshotter = "native" (slower, more disk) or fuse-overlayfs', restartContainerd(f)],
        catalogue: ['F29'],
      });
    }
    if (fs.totalBytes && fs.availBytes !== undefined && fs.totalBytes > 0) {
      const usedPct = ((fs.totalBytes - fs.availBytes) / fs.totalBytes) * 100;
      const evictionRaw = f.kubelet.evictionHard?.['imagefs.available'];
      const evictionAvail = evictionRaw ? parsePercentOrBytes(evictionRaw.value, fs.totalBytes) : 0.15 * fs.totalBytes;
      const gcHigh = f.kubelet.imageGCHighThresholdPercent?.value ?? 85;
      const evidence = [
        `${fs.mountpoint}: ${gib(fs.totalBytes - fs.availBytes)} of ${gib(fs.totalBytes)} used (${usedPct.toFixed(0)}%), ${gib(fs.availBytes)} available`,
        `kubelet evictionHard imagefs.available: ${evictionRaw ? `${evictionRaw.value} (${formatRef(evictionRaw.ref)})` : '15% (default)'}`,
        `kubelet imageGCHighThresholdPercent: ${gcHigh}${f.kubelet.imageGCHighThresholdPercent ? ` (${formatRef(f.kubelet.imageGCHighThresholdPercent.ref)})` : ' (default)'}`,
      ];
      if (evictionAvail !== undefined && fs.availBytes < evictionAvail) {
        out.push({ id: 'imagefs-usage-high', severity: 'error', stage: 'node', title: `Image filesystem ${fs.mountpoint} is below the kubelet's eviction threshold (${usedPct.toFixed(0)}% used)`, evidence, explanation: 'The kubelet reports DiskPressure, evicts pods ("The node was low on resource: ephemeral-storage") and deletes unused images; new pods are not scheduled here.', fix: ['Free space on that filesystem (old logs, unused images: $ tcrictl rmi --prune)', 'Give containerd\'s root its own disk'], catalogue: ['F30'] });
      } else if (usedPct >= gcHigh) {
        out.push({ id: 'imagefs-usage-high', severity: 'warning', stage: 'node', title: `Image filesystem ${fs.mountpoint} is ${usedPct.toFixed(0)}% full, above the kubelet's image GC threshold (${gcHigh}%)`, evidence, explanation: 'The kubelet keeps deleting unused images to get below the low threshold; images then have to be pulled again, and eviction follows if space keeps shrinking.', fix: ['Free space on that filesystem, or give containerd\'s root its own disk'], catalogue: ['F30'] });
      }
      if (fs.totalInodes && fs.freeInodes !== undefined && fs.freeInodes < 0.05 * fs.totalInodes) {
        out.push({ id: 'imagefs-inodes-low', severity: 'error', stage: 'node', title: `Image filesystem ${fs.mountpoint} is out of inodes (${fs.freeInodes} of ${fs.totalInodes} free)`, evidence: [`${fs.mountpoint}: ${fs.freeInodes} free inodes of ${fs.totalInodes}`], explanation: 'Below 5% free inodes the kubelet evicts pods (imagefs.inodesFree); image unpacking fails with "no space left on device" although bytes are free.', fix: ['Remove unused images and exited containers', 'Recreate the filesystem with more inodes'], catalogue: ['F30'] });
      }
    }
  }
  const log = f.logDir;
  if (log?.exists && (log.writable === false || log.readOnlyMount)) {
    out.push({
      id: 'pod-log-dir-not-writable',
      severity: 'error',
      stage: 'node',
      title: `The pod log directory ${log.path} is not writable${log.readOnlyMount ? ' (read-only mount)' : ''}`,
      evidence: [`${log.path}: ${log.readOnlyMount ? 'on a read-only mount' : `not writable (${log.error ?? 'access denied'})`}`, `podLogsDir from ${formatRef(log.ref)}`],
      explanation: 'The runtime writes every container\'s stdout/stderr under this directory; when it cannot, container creation fails ("failed to create containerd container: … log") and kubectl logs shows nothing.',
      fix: ['Remount the filesystem read-write, or fix the directory\'s permissions (root must be able to write it)'],
    });
  }
  return out;
}

// ---------------------------------------------------------------- registries

export function hostsTomlRules(f: Facts): Finding[] {
  const h = f.hostsToml;
  if (!h) return [];
  return h.files
    .filter((x) => x.error || x.problems.length)
    .map((x) => ({
      id: 'registry-hosts-invalid',
      severity: 'warning' as const,
      stage: 'node' as const,
      title: x.error ? `${x.path}${x.line ? `:${x.line}` : ''}: hosts.toml does not parse; containerd silently ignores it` : `${x.path}: ${x.problems[0]}`,
      subject: x.host,
      evidence: x.error ? [`${x.path}${x.line ? `:${x.line}${x.column ? `:${x.column}` : ''}` : ''}: ${x.error}`] : x.problems.map((p) => `${x.path}: ${p}`),
      explanation: `containerd only logs "failed to decode hosts.toml" (or nothing at all) and pulls from the upstream registry instead of your mirror: on an air-gapped node pulls for ${x.host} fail, elsewhere they bypass the mirror.`,
      fix: [x.error ? `Fix the TOML in ${x.path} (no restart needed: containerd reads hosts.toml at each pull)` : `Fix ${x.path} (no restart needed)`],
      catalogue: ['F31'],
    }));
}

// ---------------------------------------------------------------- containers

/** A container on its third restart or later whose last run failed. */
export const CRASH_LOOP_ATTEMPTS = 3;

export function containerRules(f: Facts): Finding[] {
  const cs = f.containers ?? [];
  const out: Finding[] = [];
  const oom = cs.filter((c) => c.reason === 'OOMKilled');
  const looping = cs.filter((c) => c.attempt >= CRASH_LOOP_ATTEMPTS && c.exitCode !== 0 && c.reason !== 'OOMKilled' && c.exitCode !== undefined);
  const line = (c: (typeof cs)[number]) => `${c.namespace ? `${c.namespace}/` : ''}${c.pod} container ${c.name} (${c.id.slice(0, 13)}): attempt ${c.attempt}, exit code ${c.exitCode ?? '?'}${c.reason ? `, reason ${c.reason}` : ''}`;
  if (oom.length) {
    out.push({
      id: 'container-oom-killed',
      severity: 'warning',
      stage: 'node',
      title: `${plural(oom.length, 'container')} ended OOM-killed`,
      evidence: oom.slice(0, 10).map(line),
      explanation: 'The kernel killed these containers for exceeding their memory limit (or the node ran out of memory); the kubelet restarts them, with growing back-off.',
      fix: ['Raise the containers\' memory limits, or find the leak: $ tcrictl logs <container-id>', 'Check node memory pressure: $ dmesg | grep -i "killed process"'],
    });
  }
  if (looping.length) {
    out.push({
      id: 'container-crash-looping',
      severity: 'warning',
      stage: 'node',
      title: `${plural(looping.length, 'container')} keep${looping.length === 1 ? 's' : ''} crashing (restarted ${CRASH_LOOP_ATTEMPTS}+ times, last run failed)`,
      evidence: looping.slice(0, 10).map(line),
      explanation: 'These are workload failures, not runtime failures; the runtime starts them fine and they exit with an error, so the kubelet restarts them in CrashLoopBackOff.',
      fix: ['Read the last run\'s output: $ tcrictl logs <container-id>', 'And the pod\'s events: $ kubectl describe pod <pod>'],
    });
  }
  return out;
}
