/**
 * One line of a container log file, parsed in place (no copies, no strings
 * unless asked): the CRI format `<RFC3339Nano> <stdout|stderr> <P|F>[:tags] <content>`
 * written by containerd and CRI-O, and Docker's json-file format
 * `{"log":"…","stream":"stdout","time":"…"}` (cri-dockerd). Anything else is
 * a raw line, shown as it is.
 */

export const STDOUT = 0;
export const STDERR = 1;
export type StreamIndex = typeof STDOUT | typeof STDERR;

export const enum Kind {
  Cri,
  Json,
  Raw,
}

/** The parse of one line; reused between calls to avoid garbage in the hot loop. */
export interface LogRecord {
  kind: Kind;
  stream: StreamIndex;
  /** A P(artial) record: its content continues in the next record of the same stream. */
  partial: boolean;
  /** Cri: the timestamp is line[timeStart, timeEnd). */
  timeStart: number;
  timeEnd: number;
  /** Json: the timestamp text. */
  time: string;
  /** Cri and Raw: the content is line[contentStart, lineEnd) of the source buffer. */
  contentStart: number;
  /** Json: the decoded content, already without the trailing newline. */
  text: string;
}

export function newRecord(): LogRecord {
  return { kind: Kind.Raw, stream: STDOUT, partial: false, timeStart: 0, timeEnd: 0, time: '', contentStart: 0, text: '' };
}

const SPACE = 0x20;
const COLON = 0x3a;

/** Cheap shape check for the RFC3339 start: `dddd-dd-ddT`. */
function looksLikeTimestamp(buf: Buffer, s: number, sp: number): boolean {
  if (sp - s < 20) return false;
  const c0 = buf[s];
  return c0 >= 0x30 && c0 <= 0x39 && buf[s + 4] === 0x2d && buf[s + 7] === 0x2d && (buf[s + 10] === 0x54 || buf[s + 10] === 0x74);
}

function indexOfSpace(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === SPACE) return i;
  return -1;
}

/**
 * Parses the CRI header of buf[start, end) (end excludes the newline).
 * Returns false if the line is not a CRI record.
 */
export function parseCri(buf: Buffer, start: number, end: number, rec: LogRecord): boolean {
  // The timestamp is 20-35 bytes; scanning in JS beats a native call for so few bytes.
  const sp1 = indexOfSpace(buf, start + 19, Math.min(end, start + 40));
  if (sp1 < 0 || !looksLikeTimestamp(buf, start, sp1)) return false;
  // "stdout" and "stderr" are both six bytes; byte 4 tells them apart.
  const st = sp1 + 1;
  if (st + 7 > end || buf[st + 6] !== SPACE || buf[st] !== 0x73 || buf[st + 1] !== 0x74 || buf[st + 2] !== 0x64) return false;
  let stream: StreamIndex;
  if (buf[st + 3] === 0x6f && buf[st + 4] === 0x75 && buf[st + 5] === 0x74) stream = STDOUT;
  else if (buf[st + 3] === 0x65 && buf[st + 4] === 0x72 && buf[st + 5] === 0x72) stream = STDERR;
  else return false;
  const tagStart = st + 7;
  const sp3 = indexOfSpace(buf, tagStart, end);
  if (sp3 < 0 || sp3 === tagStart) return false;
  const t0 = buf[tagStart];
  // Tags are colon-separated for forward compatibility; only the first (P or F) matters.
  const tagLen = sp3 - tagStart;
  if (tagLen > 1 && buf[tagStart + 1] !== COLON) return false;
  if (t0 === 0x50 /* P */) rec.partial = true;
  else if (t0 === 0x46 /* F */) rec.partial = false;
  else return false;
  rec.kind = Kind.Cri;
  rec.stream = stream;
  rec.contentStart = sp3 + 1;
  rec.timeStart = start;
  rec.timeEnd = sp1;
  return true;
}

interface DockerLine {
  log?: unknown;
  stream?: unknown;
  time?: unknown;
}

/** Parses a json-file line; false if it is not one. */
export function parseJson(buf: Buffer, start: number, end: number, rec: LogRecord): boolean {
  if (buf[start] !== 0x7b /* { */) return false;
  let obj: DockerLine;
  try {
    obj = JSON.parse(buf.toString('utf8', start, end)) as DockerLine;
  } catch {
    return false;
  }
  if (!obj || typeof obj.log !== 'string' || (obj.stream !== 'stdout' && obj.stream !== 'stderr')) return false;
  rec.kind = Kind.Json;
  rec.stream = obj.stream === 'stderr' ? STDERR : STDOUT;
  // json-file splits long lines at 16 KiB; only the last piece ends with a newline.
  rec.partial = !obj.log.endsWith('\n');
  rec.text = rec.partial ? obj.log : obj.log.slice(0, -1);
  rec.time = typeof obj.time === 'string' ? obj.time : '';
  return true;
}

/** Parses one line of either format; a line in neither becomes a Raw stdout record. */
export function parseLine(buf: Buffer, start: number, end: number, rec: LogRecord): Kind {
  if (parseCri(buf, start, end, rec)) return Kind.Cri;
  if (parseJson(buf, start, end, rec)) return Kind.Json;
  rec.kind = Kind.Raw;
  rec.stream = STDOUT;
  rec.partial = false;
  rec.contentStart = start;
  return Kind.Raw;
}
