/**
 * Runtime handler binaries: shims and runc looked up in the daemon's PATH
 * (its environment, its unit, or systemd's default), and whether each found
 * file can run here (executable, an ELF for this machine).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BinaryLookup, CriSettings, HandlerFacts, PathFacts, ProcessFacts } from '../facts';
import { modeString } from '../text';

/** systemd's default PATH: what containerd.service runs with unless the unit sets one. */
export const SYSTEMD_DEFAULT_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * containerd's PATH. runc (or a relative BinaryName) is resolved by the shim
 * through this PATH only; containerd's own directory is a fallback for shims,
 * never for runc.
 */
export function searchPath(daemon: ProcessFacts | undefined, unitPath?: { value: string; source: string }): PathFacts {
  const binaryDir = daemon?.exe ? path.dirname(daemon.exe) : undefined;
  if (daemon && typeof daemon.envPath === 'string') {
    return { dirs: [...new Set(daemon.envPath.split(':').filter(Boolean))], binaryDir, source: `containerd's PATH (/proc/${daemon.pid}/environ)` };
  }
  if (!daemon && unitPath) return { dirs: [...new Set(unitPath.value.split(':').filter(Boolean))], source: `PATH from ${unitPath.source}` };
  const why = daemon ? `/proc/${daemon.pid}/environ is not readable (run as root to see containerd's own PATH)` : 'containerd is not running';
  return { dirs: [...SYSTEMD_DEFAULT_PATH], binaryDir, source: `systemd's default PATH (${why})` };
}

/** Why an existing path cannot be executed, or undefined when it can (or does not exist). */
function notExecutable(p: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EACCES' ? 'exists but cannot be reached (permission denied on a parent directory)' : undefined;
  }
  if (st.isDirectory()) return 'exists but is a directory';
  if (!st.isFile()) return 'exists but is not a regular file';
  if ((st.mode & 0o111) === 0) return `exists but is not executable (mode ${modeString(st.mode)})`;
  return undefined;
}

export function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

const ELF_MACHINE: Record<number, string> = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm', 0xf3: 'riscv64', 0x15: 'ppc64', 0x16: 's390x' };

/** Why an executable file cannot run on this node ("exec format error"), from its first bytes; undefined when it can. */
function formatProblem(p: string): string | undefined {
  const head = Buffer.alloc(20);
  let n = 0;
  try {
    const fd = fs.openSync(p, 'r');
    try {
      n = fs.readSync(fd, head, 0, 20, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined; // unreadable to us (not root): say nothing
  }
  if (n >= 2 && head[0] === 0x23 && head[1] === 0x21) return undefined; // #! script
  if (n < 20 || head.readUInt32BE(0) !== 0x7f454c46) return 'exists but is not a program (no ELF header and no #! line): exec format error';
  const machine = ELF_MACHINE[head.readUInt16LE(18)];
  if (machine && machine !== process.arch) return `exists but is built for ${machine}, and this node is ${process.arch}: exec format error`;
  return undefined;
}

export function lookupBinary(name: string, dirs: string[]): BinaryLookup {
  const candidates = path.isAbsolute(name) ? [name] : dirs.map((d) => path.join(d, name));
  let unusable: BinaryLookup['unusable'];
  for (const p of candidates) {
    const badFormat = isExecutableFile(p) ? formatProblem(p) : undefined;
    if (badFormat) {
      // The kernel refuses it; exec.LookPath still picks it, so the search stops here.
      return { name, searched: path.isAbsolute(name) ? [name] : dirs, unusable: unusable ?? { path: p, why: badFormat } };
    }
    if (isExecutableFile(p)) return { name, found: p, searched: path.isAbsolute(name) ? [name] : dirs };
    const why = unusable ? undefined : notExecutable(p);
    if (why) unusable = { path: p, why };
  }
  return { name, searched: path.isAbsolute(name) ? [name] : dirs, ...(unusable ? { unusable } : {}) };
}

/** containerd's shim binary for a runtime_type: io.containerd.runc.v2 → containerd-shim-runc-v2. */
export function shimBinaryName(runtimeType: string): string | undefined {
  if (runtimeType === 'io.containerd.runtime.v1.linux') return 'containerd-shim';
  if (path.isAbsolute(runtimeType)) return runtimeType;
  const parts = runtimeType.split('.');
  if (parts.length < 2 || parts.some((p) => p === '')) return undefined;
  return `containerd-shim-${parts[parts.length - 2]}-${parts[parts.length - 1]}`;
}

const RUNC_TYPES = new Set(['io.containerd.runc.v2', 'io.containerd.runc.v1', 'io.containerd.runtime.v1.linux']);

export function collectHandlers(settings: CriSettings, pathFacts: PathFacts): HandlerFacts[] {
  const def = settings.defaultRuntimeName?.value;
  return Object.entries(settings.runtimes).map(([name, r]) => {
    const h: HandlerFacts = { name, isDefault: name === def, runtimeType: r.runtimeType, ref: r.typeRef?.line ? r.typeRef : r.ref };
    const shimName = r.runtimePath || shimBinaryName(r.runtimeType);
    if (shimName) h.shim = lookupBinary(shimName, pathFacts.binaryDir ? [...pathFacts.dirs, pathFacts.binaryDir] : pathFacts.dirs);
    if (RUNC_TYPES.has(r.runtimeType)) {
      const configured = typeof r.options.BinaryName === 'string' && r.options.BinaryName !== '' ? r.options.BinaryName : undefined;
      h.ociRuntime = { ...lookupBinary(configured ?? 'runc', pathFacts.dirs), fromBinaryName: !!configured, ref: configured ? r.optionRefs?.BinaryName : undefined };
    }
    return h;
  });
}
