/**
 * `--follow`: keep printing as the runtime appends, across rotation, until
 * the container stops writing.
 *
 * Rotation is how the kubelet does it: rename `0.log` away, then
 * ReopenContainerLog makes the runtime create a new `0.log`. The old file is
 * read to its end before the new one is printed, and kept open until the new
 * file has data (the runtime can still append one last record to the old file
 * between creating the new one and switching to it), so no line is lost or
 * repeated. A file truncated in place (copytruncate) is read again from 0.
 *
 * Waking up: inotify on the directory when available, and a short poll in any
 * case (watchers miss events on some filesystems). A fast writer is never
 * waited for: reading repeats at once while data keeps coming.
 */
import * as fs from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import { openRegularFile } from '../cli/regular-file';
import * as path from 'node:path';
import type { LogReader } from './reader';

export interface FollowOptions {
  path: string;
  signal?: AbortSignal;
  /** Whether the container may still write; false ends the follow after a last read. */
  stillRunning: () => Promise<boolean>;
  pollMs?: number;
  statusEveryMs?: number;
}

interface OpenFile {
  fh: FileHandle;
  pos: number;
  ino: number;
  dev: number;
}

/** Resolves on a change in the directory, after `ms`, or on abort, whichever comes first. */
class Waker {
  private watcher: fs.FSWatcher | undefined;
  private pending: (() => void) | undefined;
  private dirty = false;

  constructor(dir: string) {
    try {
      this.watcher = fs.watch(dir, { persistent: false }, () => this.wake());
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = undefined; // polling only
    }
  }

  private wake(): void {
    this.dirty = true;
    const p = this.pending;
    this.pending = undefined;
    p?.();
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.pending = undefined;
        this.dirty = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

async function openFile(p: string): Promise<OpenFile | undefined> {
  let fh: FileHandle;
  try {
    fh = await openRegularFile(p);
  } catch {
    return undefined; // between rename and reopen (or not a log file yet); try again later
  }
  const st = await fh.stat();
  return { fh, pos: 0, ino: st.ino, dev: st.dev };
}

export async function followLog(reader: LogReader, fh: FileHandle, pos: number, opts: FollowOptions): Promise<void> {
  const pollMs = opts.pollMs ?? 250;
  const statusEveryMs = opts.statusEveryMs ?? 1000;
  const first = await fh.stat();
  let current: OpenFile = { fh, pos, ino: first.ino, dev: first.dev };
  let retiring: OpenFile | undefined;
  const waker = new Waker(path.dirname(opts.path));
  let lastStatus = 0;
  const stop = () => !!opts.signal?.aborted || reader.full;

  /** Finishes the old file once the new one has data: by then the runtime has switched. */
  const settleRetiring = async () => {
    if (!retiring) return;
    retiring.pos = await reader.pump(retiring.fh, retiring.pos, false);
    if ((await current.fh.stat()).size > 0) {
      retiring.pos = await reader.pump(retiring.fh, retiring.pos, true);
      await retiring.fh.close();
      retiring = undefined;
    }
  };

  /** True if the path now names a different file (rotated) or ours shrank (truncated). */
  const checkRotation = async (): Promise<boolean> => {
    const st = await stat(opts.path).catch(() => undefined);
    if (st && (st.ino !== current.ino || st.dev !== current.dev)) {
      const next = await openFile(opts.path);
      if (!next) return false;
      current.pos = await reader.pump(current.fh, current.pos, false);
      if (retiring) {
        await reader.pump(retiring.fh, retiring.pos, true);
        await retiring.fh.close();
      }
      retiring = current;
      current = next;
      return true;
    }
    if ((await current.fh.stat()).size < current.pos) {
      current.pos = 0;
      return true;
    }
    return false;
  };

  try {
    for (;;) {
      if (stop()) return;
      await settleRetiring();
      const before = current.pos;
      current.pos = await reader.pump(current.fh, current.pos, false);
      if (current.pos !== before) continue; // data is coming: read again before waiting
      if (stop()) return;
      if (await checkRotation()) continue;
      if (Date.now() - lastStatus >= statusEveryMs) {
        lastStatus = Date.now();
        if (!(await opts.stillRunning())) {
          // The writer is gone: print what is left, an unterminated last line included.
          if (retiring) await reader.pump(retiring.fh, retiring.pos, true);
          await reader.pump(current.fh, current.pos, true);
          return;
        }
        continue; // the status call took time: look at the file again before sleeping
      }
      await waker.wait(pollMs, opts.signal);
    }
  } finally {
    waker.close();
    if (retiring) await retiring.fh.close().catch(() => undefined);
    if (current.fh !== fh) await current.fh.close().catch(() => undefined);
  }
}
