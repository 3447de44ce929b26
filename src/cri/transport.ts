/**
 * gRPC unary calls over HTTP/2 on a unix socket (h2.ts).
 *
 * Every CRI and containerd call tcrictl makes is unary, and a CLI makes one
 * to a few of them: a general gRPC stack (channels, resolvers, load
 * balancers, retries, compression) cost ~40 ms of every start (grpc-js
 * evaluation plus zlib, dns and friends) for nothing tcrictl uses. This is
 * the part of the gRPC-over-HTTP/2 protocol a unary call needs
 * (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md): one
 * length-prefixed message each way, status in the trailers (or in the
 * headers, "trailers-only"), deadlines as `grpc-timeout`. The errors carry
 * the codes and words grpc-js gave, so errors.ts and endpoint.ts read them
 * the same way.
 */
import { H2Connection, RST_CANCEL } from './h2';
import { status } from './status';

/** What a failed call says: a gRPC status code and its details. */
export interface CallFailure {
  code: status;
  details: string;
}

export interface UnaryRequest {
  /** `/package.Service/Method`. */
  path: string;
  /** The encoded request message. */
  body: Uint8Array;
  /** Deadline for the call (connecting included); 0 means none. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Largest response message accepted. */
  maxBytes: number;
}

const HEADER_BYTES = 5;
/** setTimeout's limit: a longer delay fires at once (with a TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** grpc-timeout: at most 8 digits and a unit (Go servers reject more); long deadlines in coarser units, rounded up. */
function grpcTimeout(ms: number): string {
  for (const [unit, size] of [['m', 1], ['S', 1000], ['M', 60_000], ['H', 3_600_000]] as const) {
    const n = Math.ceil(ms / size);
    if (n < 1e8) return `${n}${unit}`;
  }
  return '99999999H';
}

/** Stream resets a server may send (REFUSED_STREAM, CANCEL, ENHANCE_YOUR_CALM, INADEQUATE_SECURITY), as grpc-js maps them. */
const RST_CODES: Record<number, status> = {
  7: status.UNAVAILABLE,
  8: status.CANCELLED,
  11: status.RESOURCE_EXHAUSTED,
  12: status.PERMISSION_DENIED,
};

/** gRPC's mapping of HTTP statuses for responses without a grpc-status. */
function httpStatusCode(httpStatus: number): status {
  switch (httpStatus) {
    case 400:
      return status.INTERNAL;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return status.UNAVAILABLE;
    default:
      return status.UNKNOWN;
  }
}

/** grpc-message is percent-encoded (non-ASCII and '%'); a malformed one is shown as sent. */
function decodeMessage(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function frame(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out[0] = 0;
  out.writeUInt32BE(body.length, 1);
  out.set(body, HEADER_BYTES);
  return out;
}

/**
 * One HTTP/2 connection to a unix socket, dialled on the first call and again
 * after it failed. It holds the process open only while calls are running.
 */
export class Http2Transport {
  private conn?: H2Connection;

  constructor(readonly socketPath: string) {}

  private connection(): H2Connection {
    if (!this.conn?.usable) this.conn = new H2Connection(this.socketPath);
    return this.conn;
  }

  /** The response message's bytes, or a CallFailure. */
  unary(req: UnaryRequest): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      if (req.signal?.aborted) {
        reject(failure(status.CANCELLED, 'interrupted'));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      let httpStatus = 0;
      let grpcStatus: number | undefined;
      let grpcMessage = '';
      let settled = false;
      let conn: H2Connection | undefined;
      let id = 0;
      let timer: NodeJS.Timeout | undefined;

      const settle = (outcome: Buffer | CallFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', cancelled);
        if (Buffer.isBuffer(outcome)) resolve(outcome);
        else reject(outcome);
      };
      const cancel = (why: CallFailure) => {
        settle(why);
        conn?.reset(id, RST_CANCEL);
      };
      function cancelled() {
        cancel(failure(status.CANCELLED, 'interrupted'));
      }
      const readStatus = (h: Map<string, string>) => {
        const s = h.get('grpc-status');
        if (s === undefined) return;
        grpcStatus = Number(s);
        grpcMessage = decodeMessage(h.get('grpc-message'));
      };
      const onClose = (info: { rstCode?: number; error?: Error }) => {
        if (settled) return;
        if (grpcStatus !== undefined) settle(grpcStatus === status.OK ? message(chunks, received, req.maxBytes) : failure(grpcStatus, grpcMessage));
        else if (httpStatus !== 0 && httpStatus !== 200) settle(failure(httpStatusCode(httpStatus), `Received HTTP status code ${httpStatus}`));
        else if (info.error) settle(failure(status.UNAVAILABLE, info.error.message));
        else if (info.rstCode !== undefined) settle(failure(RST_CODES[info.rstCode] ?? status.INTERNAL, `Received RST_STREAM with code ${info.rstCode}`));
        else settle(failure(status.INTERNAL, 'the server closed the stream without a status'));
      };
      try {
        conn = this.connection();
        id = conn.request(
          [
            [':method', 'POST'],
            [':scheme', 'http'],
            [':path', req.path],
            [':authority', 'localhost'],
            ['content-type', 'application/grpc'],
            ['te', 'trailers'],
            ['user-agent', 'tcrictl'],
            ...(req.timeoutMs > 0 ? [['grpc-timeout', grpcTimeout(req.timeoutMs)] as [string, string]] : []),
          ],
          frame(req.body),
          {
            onHeaders: (h) => {
              httpStatus = Number(h.get(':status'));
              readStatus(h);
            },
            onTrailers: readStatus,
            onData: (chunk) => {
              if (settled) return;
              // The announced size, as soon as the 5-byte prefix is in (it may come in pieces).
              if (received < HEADER_BYTES && received + chunk.length >= HEADER_BYTES) {
                const size = (received === 0 ? chunk : Buffer.concat([...chunks, chunk])).readUInt32BE(1);
                if (size > req.maxBytes) {
                  cancel(failure(status.RESOURCE_EXHAUSTED, `Received message larger than max (${size} vs. ${req.maxBytes})`));
                  return;
                }
              }
              received += chunk.length;
              if (received > req.maxBytes + HEADER_BYTES) {
                cancel(failure(status.RESOURCE_EXHAUSTED, `Received message larger than max (${received - HEADER_BYTES} vs. ${req.maxBytes})`));
                return;
              }
              chunks.push(chunk);
            },
            onClose,
          },
        );
      } catch (err) {
        settle(failure(status.UNAVAILABLE, (err as Error).message));
        return;
      }
      // Past ~24.8 days the timer fires at that limit: close enough to "later".
      if (req.timeoutMs > 0) timer = setTimeout(() => cancel(failure(status.DEADLINE_EXCEEDED, 'Deadline exceeded')), Math.min(req.timeoutMs, MAX_TIMER_MS));
      req.signal?.addEventListener('abort', cancelled, { once: true });
    });
  }

  close(): void {
    const c = this.conn;
    this.conn = undefined;
    // Running calls end with their own deadline or cancellation; an idle connection just goes.
    if (c && c.activeStreams === 0) c.destroy();
    else if (c) c.closeWhenIdle();
  }
}

function failure(code: status, details: string): CallFailure {
  return { code, details };
}

/** The single length-prefixed message of a unary response. */
function message(chunks: Buffer[], received: number, maxBytes: number): Buffer | CallFailure {
  const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
  if (buf.length < HEADER_BYTES) return failure(status.INTERNAL, 'the server sent no response message');
  if (buf[0] !== 0) return failure(status.INTERNAL, 'the server sent a compressed message without being asked to');
  const size = buf.readUInt32BE(1);
  if (size > maxBytes) return failure(status.RESOURCE_EXHAUSTED, `Received message larger than max (${size} vs. ${maxBytes})`);
  if (buf.length < HEADER_BYTES + size) return failure(status.INTERNAL, 'the response message was cut short');
  return buf.subarray(HEADER_BYTES, HEADER_BYTES + size);
}
