/**
 * The one table from errno codes to what they mean for a path tcrictl opens
 * or dials: the socket messages (grpc-errors.ts), endpoint probing (cri/endpoint.ts),
 * log files (logs/logs.ts) and config files all read it.
 */
export type ErrnoKind = 'missing' | 'refused' | 'permission-denied' | 'not-a-socket' | 'not-a-directory' | 'is-a-directory';

const KINDS: Array<[RegExp, ErrnoKind]> = [
  [/\b(ENOENT)\b/, 'missing'],
  [/\b(ECONNREFUSED)\b/, 'refused'],
  [/\b(EACCES|EPERM)\b/, 'permission-denied'],
  [/\b(ENOTSOCK)\b/, 'not-a-socket'],
  // A path component is a file: the path cannot exist, and cannot be dialled.
  [/\b(ENOTDIR)\b/, 'not-a-directory'],
  [/\b(EISDIR)\b/, 'is-a-directory'],
];

/**
 * The kind of an errno: a Node error's `code`, or the code inside a message
 * (a gRPC status's details say "connect ENOENT /run/…").
 */
export function errnoKind(codeOrText: string | undefined): ErrnoKind | undefined {
  if (!codeOrText) return undefined;
  return KINDS.find(([re]) => re.test(codeOrText))?.[1];
}

/** Why a file could not be read, as the end of "config file X …". */
export function unreadableBecause(err: unknown): string {
  const kind = errnoKind((err as NodeJS.ErrnoException).code);
  if (kind === 'missing') return 'does not exist';
  if (kind === 'permission-denied') return 'is not readable (permission denied)';
  return (err as Error).message;
}
