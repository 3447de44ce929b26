/**
 * crictl's config file (/etc/crictl.yaml): the same keys, the same meaning
 * (`timeout` in whole seconds), so one file serves both tools.
 */
import { unreadableBecause } from '../cli/errno';
import { UsageError } from '../cli/cli-error';
import { FileRefused, readRegularFileSync } from '../cli/regular-file';

/** crictl.yaml holds a handful of keys: anything near this size is not one. */
export const MAX_CONFIG_BYTES = 1 << 20;

export interface CrictlConfig {
  runtimeEndpoint?: string;
  imageEndpoint?: string;
  timeoutSeconds?: number;
  debug?: boolean;
  pullImageOnCreate?: boolean;
  disablePullOnRun?: boolean;
}

export const KEYS: Record<string, keyof CrictlConfig | null> = {
  'runtime-endpoint': 'runtimeEndpoint',
  'image-endpoint': 'imageEndpoint',
  timeout: 'timeoutSeconds',
  debug: 'debug',
  'pull-image-on-create': 'pullImageOnCreate',
  'disable-pull-on-run': 'disablePullOnRun',
  // crictl HEAD only; accepted so shared files load, not used.
  'max-retries': null,
};

export function parseBool(key: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(1|t|true|0|f|false)$/i.test(v)) return /^(1|t|true)$/i.test(v);
  throw new Error(`parsing config option '${key}': not a boolean: ${JSON.stringify(v)}`);
}

export function parseInt_(key: string, v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw new Error(`parsing config option '${key}': not a whole number of seconds: ${JSON.stringify(v)}`);
  return n;
}

/** Parses the YAML text; throws Error with crictl-like wording on a bad key or value. */
export function parseCrictlConfig(text: string): CrictlConfig {
  // Loaded only when a config file exists: keeps start-up cheap on nodes without one.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  const doc = YAML.parse(text) as unknown;
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the file is not a YAML mapping of crictl options');
  const out: CrictlConfig = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const field = KEYS[key];
    if (field === undefined) throw new Error(`Config option '${key}' is not valid`);
    if (field === null || value === null || value === undefined) continue;
    if (field === 'runtimeEndpoint' || field === 'imageEndpoint') out[field] = String(value);
    else if (field === 'timeoutSeconds') out[field] = parseInt_(key, value);
    else out[field] = parseBool(key, value);
  }
  return out;
}

export interface LoadedConfig {
  config: CrictlConfig;
  /** Set when the default file exists but could not be used (it is then ignored, as crictl does). */
  warning?: string;
}

/**
 * An explicitly named file (-c or CRI_CONFIG_FILE) must exist and parse; the
 * default file is optional, and a broken one is ignored with one warning.
 */
export function loadCrictlConfig(file: string, explicit: boolean): LoadedConfig {
  let text: string;
  try {
    text = readRegularFileSync(file, MAX_CONFIG_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!explicit && code === 'ENOENT') return { config: {} };
    const why = err instanceof FileRefused ? err.why : unreadableBecause(err);
    if (explicit) throw new UsageError(`config file ${file} ${why}`, 'fix the -c/--config path or CRI_CONFIG_FILE');
    return { config: {}, warning: `ignoring ${file}: it ${why}` };
  }
  try {
    return { config: parseCrictlConfig(text) };
  } catch (err) {
    // The YAML parser appends a code frame; the first line says what and where.
    const msg = `${file}: ${(err as Error).message.split('\n')[0].replace(/:$/, '')}`;
    if (explicit) throw new UsageError(`load config file ${msg}`, 'fix the file; valid keys: runtime-endpoint, image-endpoint, timeout, debug, pull-image-on-create, disable-pull-on-run');
    return { config: {}, warning: `ignoring ${msg}` };
  }
}
