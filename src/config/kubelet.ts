/**
 * The kubelet's configuration as tcrictl reads it, in one place: the flags in
 * kubeadm-flags.env and the YAML of config.yaml / instance-config.yaml. Used
 * by endpoint auto-detection (every command's start-up) and by diagnose.
 *
 * `yaml` is loaded only when a file has to be parsed for a key it contains:
 * a node whose config.yaml does not name containerRuntimeEndpoint never pays
 * for the parser on the start-up path.
 */
import { readHostFile } from '../cli/regular-file';

export interface KubeletFlag {
  value: string;
  /** 1-based line in kubeadm-flags.env. */
  line: number;
}

/** Parses kubeadm-flags.env: KUBELET_KUBEADM_ARGS="--a=b --c d"; a later flag wins, as in the kubelet. */
export function parseKubeletFlags(text: string): Map<string, KubeletFlag> {
  const out = new Map<string, KubeletFlag>();
  text.split('\n').forEach((line, i) => {
    const re = /--([a-z0-9-]+)(?:=|\s+)(?!--)("[^"]*"|'[^']*'|[^\s"']+)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) out.set(m[1], { value: m[2].replace(/^["']|["']$/g, ''), line: i + 1 });
  });
  return out;
}

export interface KubeletYamlValue {
  value: unknown;
  /** 1-based line of the key, and that line as written. */
  line?: number;
  text?: string;
}

export interface KubeletYamlError {
  message: string;
  line?: number;
  column?: number;
}

export type KubeletYaml = { ok: true; get(key: string): KubeletYamlValue | undefined } | { ok: false; error: KubeletYamlError };

/** Parses a kubelet YAML file (config.yaml, instance-config.yaml); top-level keys with their lines. */
export function parseKubeletYaml(text: string): KubeletYaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  const lc = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    return { ok: false, error: { message: e.message.split('\n')[0], line: pos?.line, column: pos?.col } };
  }
  const data = doc.toJS() as unknown;
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    return { ok: false, error: { message: 'not a YAML mapping' } };
  }
  const lines = text.split('\n');
  return {
    ok: true,
    get(key) {
      const value = (data as Record<string, unknown> | null)?.[key];
      if (value === undefined) return undefined;
      // The pair's key node carries the key's own line (the value may start on the next one).
      const pair = (doc.contents as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)?.items?.find((p) => p.key?.value === key);
      const line = pair?.key?.range ? lc.linePos(pair.key.range[0]).line : undefined;
      return { value, line, text: line ? lines[line - 1].trim() : undefined };
    },
  };
}

/** Endpoint detection reads these on every command: a FIFO must not block it. */
const readIfExists = readHostFile;

/** --container-runtime-endpoint from kubeadm-flags.env, if set. */
export function flagEndpoint(flagsPath: string): string | undefined {
  const text = readIfExists(flagsPath);
  return text === undefined ? undefined : parseKubeletFlags(text).get('container-runtime-endpoint')?.value;
}

/** containerRuntimeEndpoint from a kubelet YAML file, if it sets one and parses. */
export function yamlEndpoint(configPath: string): string | undefined {
  const text = readIfExists(configPath);
  // The cheap test first: most files either set the key or do not mention it at all.
  if (text === undefined || !text.includes('containerRuntimeEndpoint')) return undefined;
  const parsed = parseKubeletYaml(text);
  const v = parsed.ok ? parsed.get('containerRuntimeEndpoint')?.value : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}
