/**
 * How containerd is started when it is not running: its systemd unit
 * (ExecStart's --config and --address, Environment=PATH, drop-ins applied as
 * systemd applies them), and its own last words (the journal, or a log file)
 * saying why it stopped. Read only when the daemon did not answer.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readHostFile } from '../../cli/regular-file';
import { hostPath, hostRoot } from '../../config/host';
import type { LastWords, UnitFacts } from '../facts';

/** systemd's unit search path, highest precedence first. */
const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
const UNIT = 'containerd.service';

/** A unit file that is a FIFO or a device would block or never end. */
const read = readHostFile;

/** `Key=value` lines of a unit file, continuation lines joined, with their line numbers. */
function assignments(text: string): { key: string; value: string; line: number; raw: string }[] {
  const out: { key: string; value: string; line: number; raw: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = lines[i];
    while (l.endsWith('\\') && i + 1 < lines.length) l = `${l.slice(0, -1)} ${lines[++i]}`;
    const m = /^\s*([A-Za-z]+)\s*=\s*(.*)$/.exec(l);
    if (m && !/^\s*[#;]/.test(l)) out.push({ key: m[1], value: m[2].trim(), line: start + 1, raw: l.trim() });
  }
  return out;
}

/** Splits a command line the way systemd does for the common cases (quotes, no variables). */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function flag(argv: string[], names: string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    for (const n of names) {
      if (argv[i] === n) return argv[i + 1];
      if (argv[i].startsWith(`${n}=`)) return argv[i].slice(n.length + 1);
    }
  }
  return undefined;
}

/** The containerd unit and its drop-ins, as systemd would combine them; undefined when there is none. */
export function collectUnit(): UnitFacts | undefined {
  const main = UNIT_DIRS.map((d) => hostPath(path.join(d, UNIT))).find((p) => read(p) !== undefined);
  // Drop-ins: by file name across all directories; the same name in a higher-precedence directory wins.
  const dropIns = new Map<string, string>();
  for (const d of [...UNIT_DIRS].reverse()) {
    const dir = hostPath(path.join(d, `${UNIT}.d`));
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.conf'));
    } catch {
      continue;
    }
    for (const n of names) dropIns.set(n, path.join(dir, n));
  }
  if (!main && dropIns.size === 0) return undefined;
  const files = [...(main ? [main] : []), ...[...dropIns.keys()].sort().map((n) => dropIns.get(n)!)];
  const facts: UnitFacts = { file: main ?? files[0], files };
  for (const file of files) {
    for (const a of assignments(read(file) ?? '')) {
      if (a.key === 'ExecStart') {
        // An empty ExecStart= in a drop-in clears the list; the next one replaces it.
        if (a.value === '') facts.execStart = undefined;
        else facts.execStart = { argv: splitCommand(a.value.replace(/^[-@+!:]+/, '')), ref: { file, line: a.line, text: a.raw } };
      } else if (a.key === 'Environment') {
        for (const e of splitCommand(a.value)) if (e.startsWith('PATH=')) facts.envPath = { value: e.slice(5), ref: { file, line: a.line, text: a.raw } };
      }
    }
  }
  const argv = facts.execStart?.argv;
  if (argv) {
    facts.configPath = flag(argv, ['--config', '-c']);
    facts.address = flag(argv, ['--address', '-a']);
  }
  return facts;
}

/** Lines in containerd's log that say why it stopped or failed. */
const TELLING = /level=(fatal|error|panic)|^containerd: |Failed to start|Main process exited|failed to load|panic:/;

export interface ContainerdLog {
  source: string;
  lines: string[];
  mtimeMs?: number;
}

/** The tail of containerd's log: the journal (systemd hosts), else a log file. */
export function readContainerdLog(usesSystemd: boolean, timeoutMs: number): ContainerdLog | undefined {
  if (usesSystemd && !hostRoot()) {
    try {
      const out = execFileSync('journalctl', ['-u', UNIT, '-n', '200', '--no-pager', '-o', 'cat'], { timeout: Math.min(timeoutMs, 1500), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      if (out.trim()) return { source: `journalctl -u ${UNIT}`, lines: out.split('\n') };
    } catch {
      /* no journal access: try the log files */
    }
  }
  for (const p of ['/var/log/containerd.log', '/var/log/containerd/containerd.log']) {
    const file = hostPath(p);
    try {
      const st = fs.statSync(file);
      // Opening a FIFO blocks (and /dev/zero's size says nothing): log files only.
      if (!st.isFile()) continue;
      const fd = fs.openSync(file, 'r');
      try {
        const len = Math.min(st.size, 64 * 1024);
        const buf = Buffer.alloc(len);
        fs.readSync(fd, buf, 0, len, st.size - len);
        return { source: file, lines: buf.toString('utf8').split('\n'), mtimeMs: st.mtimeMs };
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue;
    }
  }
  return undefined;
}

/** containerd's own last words: the last lines of its log that say why it failed. */
export function lastWordsOf(log: ContainerdLog | undefined): LastWords | undefined {
  const lines = (log?.lines ?? []).map((l) => l.trim()).filter((l) => TELLING.test(l)).slice(-4);
  return lines.length && log ? { source: log.source, lines, mtimeMs: log.mtimeMs } : undefined;
}

/** Runtime handlers pods asked for that containerd does not know (F26): `no runtime for "X" is configured`. */
export function unknownHandlersOf(log: ContainerdLog | undefined): { handler: string; line: string }[] {
  const seen = new Map<string, string>();
  for (const l of log?.lines ?? []) {
    const m = /no runtime for \\?"([^"\\]+)\\?" is configured/.exec(l);
    if (m) seen.set(m[1], l.trim());
  }
  return [...seen].map(([handler, line]) => ({ handler, line }));
}
