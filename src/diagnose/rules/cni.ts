/**
 * CNI (F24, F25): the network config and plugin binaries the CRI plugin needs before a
 * pod can get a network (NetworkReady=false).
 */
import type { Facts } from '../facts';
import type { Finding } from '../finding';
import { CRI_V1, criTablePaths } from '../runtime-config';
import { formatRef } from '../text';
import { configPath, restartContainerd } from './common';

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
