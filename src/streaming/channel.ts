/**
 * The Kubernetes "channel" WebSocket protocol used by CRI streaming servers
 * for exec/attach: every binary message is one channel byte followed by the
 * data. Channels: 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status JSON
 * carrying the exit code, in v4 and later), 4 terminal resize (JSON
 * {"Width","Height"}). v5 adds channel 255, whose one data byte closes a
 * channel (the client closes stdin with [255, 0]); v4 cannot close stdin,
 * so tcrictl speaks v4 only over SPDY, where each channel is a stream that
 * can be half-closed (spdy-command.ts).
 */

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export function frame(channel: number, data: Uint8Array | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = channel;
  out.set(body, 1);
  return out;
}

export function resizeFrame(columns: number, rows: number): Buffer {
  return frame(RESIZE, JSON.stringify({ Width: columns, Height: rows }));
}

/** v5 only: tell the server there will be no more data on `channel`. */
export function closeFrame(channel: number): Buffer {
  return Buffer.from([CLOSE, channel]);
}

export interface ExecOutcome {
  /** The remote command's exit code (0 on success). */
  exitCode: number;
  /** Set when the command could not run or the stream failed, with the runtime's message. */
  error?: string;
}

interface Status {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** Reads the error channel's metav1.Status: Success → 0, NonZeroExitCode → its code, anything else → an error. */
export function parseStatus(text: string): ExecOutcome {
  let st: Status;
  try {
    st = JSON.parse(text) as Status;
  } catch {
    return { exitCode: 1, error: text.trim() || 'the exec stream reported an unreadable status' };
  }
  if (st.status === 'Success') return { exitCode: 0 };
  if (st.reason === 'NonZeroExitCode') {
    const cause = st.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return { exitCode: code };
  }
  return { exitCode: 1, error: st.message || st.reason || text.trim() };
}

/**
 * The runtime's message when a command cannot start, made short, with the
 * shell's exit codes: 127 not found, 126 not executable.
 */
export function describeStartFailure(message: string, command: string[]): { message: string; exitCode: number } | undefined {
  const m = /exec: "([^"]*)": (executable file not found in \$PATH|stat [^:]*: no such file or directory|no such file or directory|permission denied|is a directory)/.exec(message);
  if (!m) return undefined;
  const what = m[2].replace(/^stat [^:]*: /, '');
  const exitCode = /not found|no such file/.test(what) ? 127 : 126;
  return { message: `cannot run "${m[1] || command[0]}" in the container: ${what}`, exitCode };
}
