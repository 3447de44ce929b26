/**
 * Runtime handlers (F27, F28): a shim or OCI runtime binary (runc, crun,
 * kata) that is missing or unusable, with where it was looked for.
 */
import type { Facts, HandlerFacts } from '../facts';
import type { Finding } from '../finding';
import { CRI_V1 } from '../runtime-config';
import { formatRef } from '../text';
import { configPath, restartContainerd } from './common';
import { SYSTEMD_DEFAULT_PATH, lookupBinary } from '../collect/binaries';

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
