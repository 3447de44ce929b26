/**
 * `tcrictl logs` without the CRI part: print a container log file with
 * crictl's options. The command resolves the container and its log path and
 * says when the container stops; everything about the file is here.
 */
import { fstatSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { errnoKind } from '../cli/errno';
import { CliError } from '../cli/cli-error';
import { ioStreams } from '../cli/io';
import { FileRefused, openRegularFile } from '../cli/regular-file';
import { followLog } from './follow';
import { LogPrinter, type PrintOptions } from './printer';
import { LogReader } from './reader';
import { Kind, newRecord, parseLine } from './record';
import { LogSink, type Target } from './sink';
import { tailStart } from './tail';

export interface LogsOptions extends PrintOptions {
  path: string;
  /** Last N lines; negative or undefined = all. */
  tail?: number;
  follow?: boolean;
  limitBytes?: number;
  signal?: AbortSignal;
  /** For --follow: false once the container can no longer write. */
  stillRunning?: () => Promise<boolean>;
  /** stdout and stderr; the process's by default. */
  targets?: [Target, Target];
  pollMs?: number;
  statusEveryMs?: number;
}

export interface LogsResult {
  /** Lines in neither the CRI nor the json-file format (printed raw). */
  rawLines: number;
  bytes: number;
}

const SNIFF_BYTES = 64 * 1024;

function openError(file: string, err: NodeJS.ErrnoException): CliError {
  // A FIFO, /dev/zero or a socket would block or never end: refused by what it is.
  if (err instanceof FileRefused) return new CliError(`log path ${err.message}`, { hint: "check the path with 'tcrictl inspect <container> | jq -r .status.logPath'" });
  switch (errnoKind(err.code)) {
    case 'missing':
      return new CliError(`log file ${file} does not exist`, {
        hint: 'tcrictl reads the file the runtime names, so run it on the container\'s node; the runtime may also have removed the file',
      });
    case 'permission-denied':
      return new CliError(`cannot read log file ${file}: permission denied`, { hint: 'run as root (sudo tcrictl …)' });
    case 'is-a-directory':
      return new CliError(`log path ${file} is a directory, not a log file`);
    default:
      return new CliError(`cannot read log file ${file}: ${err.message}`);
  }
}

/** A file whose first lines are in no log format is not a container log: say so rather than dump it. */
async function checkFormat(fh: FileHandle, file: string, size: number): Promise<void> {
  if (size === 0) return;
  const buf = Buffer.allocUnsafe(Math.min(size, SNIFF_BYTES));
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  const rec = newRecord();
  let s = 0;
  let firstLine = '';
  while (s < bytesRead) {
    let nl = buf.indexOf(0x0a, s);
    if (nl < 0 || nl >= bytesRead) {
      if (s > 0) break; // an incomplete line after complete ones proves nothing
      nl = bytesRead;
    }
    if (parseLine(buf, s, nl, rec) !== Kind.Raw) return;
    if (s === 0) firstLine = buf.toString('utf8', 0, Math.min(nl, 80));
    s = nl + 1;
  }
  throw new CliError(`${file} is not a container log (neither the CRI format nor Docker's json-file); it starts with ${JSON.stringify(firstLine)}`, {
    // tcrictl inspect has no -o go-template (crictl's form); its JSON names the path.
    hint: "check the path with 'tcrictl inspect <container> | jq -r .status.logPath'",
  });
}

export async function printLogs(o: LogsOptions): Promise<LogsResult> {
  let fh: FileHandle;
  try {
    fh = await openRegularFile(o.path);
  } catch (err) {
    throw openError(o.path, err as NodeJS.ErrnoException);
  }
  try {
    let size: number;
    try {
      size = (await fh.stat()).size;
      await checkFormat(fh, o.path, size);
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw openError(o.path, err as NodeJS.ErrnoException);
    }
    const targets = o.targets ?? [ioStreams().out, ioStreams().err];
    const merged = !o.targets && sameFile(1, 2);
    const sink = new LogSink(targets, { limitBytes: o.limitBytes, merged, keepOrder: !!o.targets });
    const printer = new LogPrinter(sink, o);
    const reader = new LogReader(printer, sink, o.signal);
    const result = () => ({ rawLines: printer.rawLines, bytes: sink.written });
    const tail = o.tail ?? -1;
    if (tail === 0 && !o.follow) return result();
    const start = tail >= 0 ? await tailStart(fh, size, tail, o.stream) : 0;
    if (!o.follow) {
      await reader.pump(fh, start, true);
      return result();
    }
    await followLog(reader, fh, start, {
      path: o.path,
      signal: o.signal,
      stillRunning: o.stillRunning ?? (async () => false),
      pollMs: o.pollMs,
      statusEveryMs: o.statusEveryMs,
    });
    return result();
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** True when two descriptors write to the same place (a terminal, `2>&1`): then one ordered stream serves both. */
function sameFile(a: number, b: number): boolean {
  try {
    const x = fstatSync(a);
    const y = fstatSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** kubelet's naming: the previous attempt's log is `<dir>/<attempt-1><ext>` next to the current one. */
export function previousLogPath(logPath: string, attempt: number): string {
  const slash = logPath.lastIndexOf('/');
  const dir = logPath.slice(0, slash + 1);
  const base = logPath.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot >= 0 ? base.slice(dot) : '';
  return `${dir}${attempt - 1}${ext}`;
}
