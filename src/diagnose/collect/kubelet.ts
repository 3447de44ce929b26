/**
 * The kubelet's configuration: its config file and flags (kubeadm's env
 * file), and the runtime endpoint they name.
 */
import { hostPath, KUBEADM_FLAGS } from '../../config/host';
import { parseKubeletFlags, parseKubeletYaml } from '../../config/kubelet';
import { socketPathOf } from '../../cri/connection';
import { normalizeEndpoint } from '../../cri/endpoint';
import type { FileState, KubeletFacts, Ref, Valued } from '../facts';
import { KUBELET_DEFAULT_ENDPOINT, KUBELET_INSTANCE_CONFIG, readFileState } from './host';

interface YamlView {
  get(key: string): { value: unknown; ref: Ref } | undefined;
}

function yamlView(text: string, file: string): { view?: YamlView; error?: FileState } {
  const parsed = parseKubeletYaml(text);
  if (!parsed.ok) return { error: { path: file, status: 'invalid', error: parsed.error.message, line: parsed.error.line, column: parsed.error.column } };
  return {
    view: {
      get(key) {
        const hit = parsed.get(key);
        return hit && { value: hit.value, ref: { file, line: hit.line, text: hit.text } };
      },
    },
  };
}

/** Resolves a kubelet endpoint; paths inside TCRICTL_HOST_ROOT are that root's. */
function resolveKubeletEndpoint(raw: string, ref: Ref): NonNullable<KubeletFacts['endpoint']> {
  let problem: string | undefined;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw.trim())) problem = 'the endpoint has no URL scheme (unix://); kubelet deprecated this and newer releases reject it';
  try {
    const ep = normalizeEndpoint(raw, 'kubelet runtime endpoint');
    return { raw, endpoint: `unix://${hostPath(socketPathOf(ep))}`, problem, ref };
  } catch (err) {
    return { raw, problem: (err as Error).message, ref };
  }
}

export function collectKubelet(configPath: string): KubeletFacts {
  const cfg = readFileState(configPath);
  const flagsPath = hostPath(KUBEADM_FLAGS);
  const flagsFile = readFileState(flagsPath);
  const facts: KubeletFacts = { config: cfg.state, flags: flagsFile.state };
  const flags = flagsFile.text !== undefined ? parseKubeletFlags(flagsFile.text) : new Map<string, { value: string; line: number }>();
  const flagRef = (name: string): Ref => {
    const f = flags.get(name)!;
    return { file: flagsPath, line: f.line, text: `--${name}=${f.value}` };
  };
  let view: YamlView | undefined;
  if (cfg.text !== undefined) {
    const parsed = yamlView(cfg.text, configPath);
    if (parsed.error) facts.config = parsed.error;
    view = parsed.view;
  }
  const fromYaml = <T>(key: string, guard: (v: unknown) => v is T): Valued<T> | undefined => {
    const hit = view?.get(key);
    return hit && guard(hit.value) ? { value: hit.value, ref: hit.ref } : undefined;
  };
  const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
  const isNum = (v: unknown): v is number => typeof v === 'number';
  const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

  const kubeletPresent = cfg.state.status !== 'missing' || flagsFile.state.status !== 'missing';
  // The kubelet's own precedence: command-line flags, then the instance config (KEP-4656), then config.yaml.
  const instance = readFileState(hostPath(KUBELET_INSTANCE_CONFIG));
  const instanceEp = instance.text !== undefined ? yamlView(instance.text, instance.state.path).view?.get('containerRuntimeEndpoint') : undefined;
  const yamlEp = fromYaml('containerRuntimeEndpoint', isStr);
  if (flags.has('container-runtime-endpoint')) facts.endpoint = resolveKubeletEndpoint(flags.get('container-runtime-endpoint')!.value, flagRef('container-runtime-endpoint'));
  else if (instanceEp && isStr(instanceEp.value)) facts.endpoint = resolveKubeletEndpoint(instanceEp.value, instanceEp.ref);
  else if (yamlEp) facts.endpoint = resolveKubeletEndpoint(yamlEp.value, yamlEp.ref);
  // A config that does not parse says nothing: never judge the runtime by the default endpoint then.
  else if (kubeletPresent && facts.config.status !== 'invalid') facts.endpoint = resolveKubeletEndpoint(KUBELET_DEFAULT_ENDPOINT, { file: configPath, what: `containerRuntimeEndpoint not set: kubelet default ${KUBELET_DEFAULT_ENDPOINT}` });

  if (flags.has('cgroup-driver')) facts.cgroupDriver = { value: flags.get('cgroup-driver')!.value, ref: flagRef('cgroup-driver'), defaulted: false };
  else {
    const d = fromYaml('cgroupDriver', isStr);
    if (d) facts.cgroupDriver = { ...d, defaulted: false };
    else if (facts.config.status === 'ok') facts.cgroupDriver = { value: 'cgroupfs', ref: { file: configPath, what: 'cgroupDriver not set: kubelet default cgroupfs' }, defaulted: true };
  }
  const eviction = view?.get('evictionHard');
  if (eviction && eviction.value && typeof eviction.value === 'object') {
    facts.evictionHard = Object.fromEntries(
      Object.entries(eviction.value as Record<string, unknown>).map(([k, v]) => [k, { value: String(v), ref: eviction.ref }]),
    );
  }
  facts.imageGCHighThresholdPercent = fromYaml('imageGCHighThresholdPercent', isNum);
  facts.podLogsDir = fromYaml('podLogsDir', isStr);
  facts.failCgroupV1 = fromYaml('failCgroupV1', isBool);
  if (flags.has('pod-infra-container-image')) facts.podInfraContainerImage = { value: flags.get('pod-infra-container-image')!.value, ref: flagRef('pod-infra-container-image') };
  return facts;
}
