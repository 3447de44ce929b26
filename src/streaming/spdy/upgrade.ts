/**
 * The HTTP/1.1 request that turns a streaming URL into a SPDY/3.1 session,
 * as client-go's SPDY round tripper sends it: POST with `Connection:
 * Upgrade`, `Upgrade: SPDY/3.1` and the sub-protocols on offer in
 * `X-Stream-Protocol-Version`; the server answers 101 and names the one it
 * chose in the same header.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { SpdySession } from './session';

export interface Upgraded {
  session: SpdySession;
  /** The sub-protocol the server chose ('' if it named none). */
  protocol: string;
}

/** The server answered, but not with 101: its status and the start of its body. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`HTTP ${status}${body ? `: ${body}` : ''}`);
    this.name = 'UpgradeRefused';
  }
}

/** `timeoutMs` bounds the connect and the server's answer (0: none). */
export function upgradeToSpdy(url: string, protocols: string[], signal?: AbortSignal, timeoutMs = 0): Promise<Upgraded> {
  return new Promise<Upgraded>((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, {
      method: 'POST',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': protocols,
        'Content-Length': '0',
      },
      // containerd's streaming server uses a self-signed certificate when TLS is on (crictl skips verification too).
      rejectUnauthorized: false,
      signal,
    });
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      socket.setTimeout(0);
      socket.setNoDelay(true);
      const chosen = res.headers['x-stream-protocol-version'];
      resolve({ session: new SpdySession(socket, head), protocol: Array.isArray(chosen) ? chosen[0] ?? '' : chosen ?? '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c;
      });
      const done = () => reject(new UpgradeRefused(res.statusCode ?? 0, body.trim()));
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', reject);
    if (timeoutMs > 0) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)));
    req.end();
  });
}
