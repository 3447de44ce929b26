/**
 * SPDY/3 header blocks: a count, then length-prefixed (4-byte) names and
 * values, compressed by one zlib stream per direction for the whole session,
 * primed with the SPDY/3 dictionary and sync-flushed after every block (the
 * peer inflates each frame's bytes as a continuation of the previous ones).
 *
 * Only the sending side is needed: the Kubernetes streaming servers answer
 * every stream with an empty SYN_REPLY and never open streams, so tcrictl
 * reads no header the server sends and does not inflate them.
 */
import * as zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary';

/** Names must be lowercase on the wire (Go's framer rejects others); several values are NUL-joined. */
export function encodeHeaderBlock(headers: Record<string, string | string[]>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(Array.isArray(value) ? value.join('\0') : value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n);
  return b;
}

/** The session's compression context: blocks come out in the order they were given. */
export class HeaderCompressor {
  private readonly deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, flush: zlib.constants.Z_SYNC_FLUSH });
  private out: Buffer[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.deflate.on('data', (c: Buffer) => this.out.push(c));
  }

  compress(headers: Record<string, string | string[]>): Promise<Buffer> {
    const block = encodeHeaderBlock(headers);
    const next = this.queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          this.deflate.write(block, (err) => {
            if (err) return reject(err);
            // Output pushed while the write completed may be delivered on a later tick.
            setImmediate(() => {
              const bytes = Buffer.concat(this.out);
              this.out = [];
              resolve(bytes);
            });
          });
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.deflate.destroy();
  }
}
