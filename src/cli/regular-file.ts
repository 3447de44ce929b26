/**
 * Opening files a user or a runtime names (config files, container log
 * paths) without trusting what is there: opened with O_NONBLOCK, so a FIFO
 * with no writer cannot block the open, then anything but a regular file
 * (FIFO, device such as /dev/zero, socket, directory) is refused, so nothing
 * reads forever or blocks where Ctrl-C cannot reach it.
 */
import * as fs from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/** A file refused for what it is: `why` completes "<path> …" ("is a FIFO (named pipe), not a regular file"). */
export class FileRefused extends Error {
  constructor(readonly path: string, readonly why: string, readonly code: 'ENOTREG' | 'EFBIG') {
    super(`${path} ${why}`);
    this.name = 'FileRefused';
  }
}

const notRegular = (path: string, st: fs.Stats) => new FileRefused(path, `is ${fileKind(st)}, not a regular file`, 'ENOTREG');
const tooLarge = (path: string, maxBytes: number) => new FileRefused(path, `is larger than ${maxBytes >= 1 << 20 ? `${maxBytes / (1 << 20)} MiB` : `${maxBytes} bytes`}`, 'EFBIG');

/** What a non-regular file is, in words ("a FIFO (named pipe)"). */
export function fileKind(st: fs.Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * open(2) of a unix socket fails with ENXIO before fstat could say what it is:
 * name it by what stat says, rather than "no such device or address".
 */
function openFailure(path: string, err: unknown): unknown {
  if ((err as NodeJS.ErrnoException).code !== 'ENXIO') return err;
  try {
    const st = fs.statSync(path);
    return st.isFile() ? err : notRegular(path, st);
  } catch {
    return err;
  }
}

function openSyncOrRefuse(path: string): number {
  try {
    return fs.openSync(path, FLAGS);
  } catch (err) {
    throw openFailure(path, err);
  }
}

/** The file's contents as text; FileRefused if not a regular file or over `maxBytes`, errno errors from open. */
export function readRegularFileSync(path: string, maxBytes: number): string {
  const fd = openSyncOrRefuse(path);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, st);
    if (st.size > maxBytes) throw tooLarge(path, maxBytes);
    // Read at most maxBytes + 1 even if it grows meanwhile.
    const buf = Buffer.allocUnsafe(maxBytes + 1);
    let n = 0;
    for (let r; n < buf.length && (r = fs.readSync(fd, buf, n, buf.length - n, n)) > 0; ) n += r;
    if (n > maxBytes) throw tooLarge(path, maxBytes);
    return buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** An open handle on `path`, refused (and closed) if it is not a regular file. */
export async function openRegularFile(path: string): Promise<FileHandle> {
  const fh = await open(path, FLAGS).catch((err: unknown) => {
    throw openFailure(path, err);
  });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw notRegular(path, st);
    return fh;
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The cap for node files diagnose and endpoint detection read (kubelet and
 * containerd configs, unit files, CNI and hosts.toml): far above any real one.
 */
export const MAX_HOST_FILE_BYTES = 16 << 20;

/** A host file's text, or undefined if it is missing, unreadable, not a regular file or over the cap. */
export function readHostFile(path: string): string | undefined {
  try {
    return readRegularFileSync(path, MAX_HOST_FILE_BYTES);
  } catch {
    return undefined;
  }
}
