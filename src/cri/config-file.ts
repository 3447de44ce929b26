/**
 * Pod and container config files (runp, create, run, pull --pod-config), read
 * as crictl reads them: YAML or JSON, field names as in crictl's examples
 * (snake_case, `log_directory`) or protobuf JSON (camelCase), matched without
 * regard to case or underscores as Go's decoder does; enums by number or name.
 * Keys the CRI schema does not have are ignored with a warning (crictl ignores
 * them silently). The result is the camelCase object the encoders take.
 */
import { randomUUID } from 'node:crypto';
import type * as protobuf from 'protobufjs';
import { UsageError } from '../cli/cli-error';
import { FileRefused, readRegularFileSync } from '../cli/regular-file';
import { messageType } from './proto';

type Obj = Record<string, unknown>;

const squash = (s: string) => s.toLowerCase().replace(/_/g, '');

function fieldFor(type: protobuf.Type, key: string): protobuf.Field | undefined {
  const want = squash(key);
  return type.fieldsArray.find((f) => squash(f.name) === want);
}

function convertValue(f: protobuf.Field, v: unknown, at: string, unknown: string[]): unknown {
  f.resolve();
  const t = f.resolvedType;
  if (!t || !('fieldsArray' in t) || v === null || typeof v !== 'object') return v;
  return convertMessage(t as protobuf.Type, v as Obj, at, unknown);
}

function convertMessage(type: protobuf.Type, obj: Obj, at: string, unknown: string[]): Obj {
  if (Array.isArray(obj)) throw new UsageError(`${at || 'the file'}: expected an object, got a list`);
  const out: Obj = {};
  for (const [key, v] of Object.entries(obj)) {
    const path = at ? `${at}.${key}` : key;
    const f = fieldFor(type, key);
    if (!f) {
      unknown.push(path);
      continue;
    }
    if (f.map && v && typeof v === 'object') {
      out[f.name] = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, convertValue(f, x, `${path}.${k}`, unknown)]));
    } else if (f.repeated && Array.isArray(v)) {
      out[f.name] = v.map((x, i) => convertValue(f, x, `${path}[${i}]`, unknown));
    } else out[f.name] = convertValue(f, v, path, unknown);
  }
  return out;
}

/** A config bigger than gRPC's default 4 MiB message could not be sent anyway. */
export const MAX_CONFIG_FILE_BYTES = 4 << 20;

/**
 * Reads `file` as a `typeName` message (e.g. runtime.v1.PodSandboxConfig).
 * A FIFO (a blocking read Ctrl-C cannot interrupt), a device such as
 * /dev/zero (a read that never ends) or a socket is refused by what it is.
 */
export function loadConfigFile(file: string, typeName: string, warn: (line: string) => void): Obj {
  let text: string;
  try {
    text = readRegularFileSync(file, MAX_CONFIG_FILE_BYTES);
  } catch (err) {
    if (err instanceof FileRefused) throw new UsageError(`config file ${err.message}`);
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `config at ${file} not found` : `cannot read ${file}: ${(err as Error).message}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${file}: expected a ${typeName.split('.').pop()} object`);
  const unknown: string[] = [];
  const out = convertMessage(messageType(typeName), doc as Obj, '', unknown);
  if (unknown.length > 0) warn(`${file}: ignoring unknown keys: ${unknown.join(', ')}`);
  return out;
}

/** crictl's loadPodSandboxConfig checks: metadata with name and namespace; a uid made up if missing. */
export function loadPodConfig(file: string, warn: (line: string) => void): Obj {
  const c = loadConfigFile(file, 'runtime.v1.PodSandboxConfig', warn);
  const md = c.metadata as Obj | undefined;
  if (!md) throw new UsageError(`${file}: metadata is not set`, 'a pod config needs metadata: {name, namespace}');
  if (!md.uid) md.uid = randomUUID();
  if (!md.name || !md.namespace) throw new UsageError(`${file}: name or namespace is not in metadata`, 'a pod config needs metadata: {name, namespace}');
  if (c.linux && !(c.linux as Obj).cgroupParent) warn('cgroup_parent is not set. Use `runtime-config` to get the runtime cgroup driver');
  return c;
}

/** crictl's loadContainerConfig checks: metadata.name and image.image. */
export function loadContainerConfig(file: string, warn: (line: string) => void): Obj {
  const c = loadConfigFile(file, 'runtime.v1.ContainerConfig', warn);
  const md = c.metadata as Obj | undefined;
  if (!md) throw new UsageError(`${file}: metadata is not set`, 'a container config needs metadata: {name} and image: {image}');
  if (!md.name) throw new UsageError(`${file}: name is not in metadata`, 'a container config needs metadata: {name}');
  const image = c.image as Obj | undefined;
  if (!image) throw new UsageError(`${file}: image is not set`, 'a container config needs image: {image: REF}');
  if (!image.image) throw new UsageError(`${file}: image field is not set in image`, 'a container config needs image: {image: REF}');
  if (!image.userSpecifiedImage) image.userSpecifiedImage = image.image;
  return c;
}
