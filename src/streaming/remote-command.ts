/**
 * Exec/attach streams: WebSocket `v5.channel.k8s.io` where the runtime
 * offers it (its channel 255 closes stdin), SPDY/3.1 with
 * `v4.channel.k8s.io` where it does not (containerd 1.6 and 1.7 answer the
 * v5 offer with 403). v4 over WebSocket is never used: it cannot pass
 * end-of-input on, so `echo x | tcrictl exec -i C cat` would wait for ever.
 *
 * A streaming URL serves one connection (the runtime consumes its token
 * even when the upgrade fails), so falling back asks the runtime for a new
 * one; the refused attempt ran nothing.
 */
import type { ExecOutcome } from './channel';
import { ProtocolRefused, runExecStream, type ExecStreamOptions } from './exec-stream';
import { runSpdyCommand } from './spdy-command';

export type Transport = 'auto' | 'websocket' | 'spdy';

export interface RemoteCommandOptions extends Omit<ExecStreamOptions, 'url'> {
  /** Asks the runtime (Exec or Attach) for a fresh streaming URL. */
  newUrl: () => Promise<string>;
  transport?: Transport;
  /** Called when the v5 offer was refused and SPDY is tried next. */
  onFallback?: (why: string) => void;
}

export async function runRemoteCommand(o: RemoteCommandOptions): Promise<ExecOutcome> {
  const { newUrl, transport = 'auto', onFallback, ...io } = o;
  if (transport === 'spdy') return runSpdyCommand({ ...io, url: await newUrl() });
  const url = await newUrl();
  try {
    return await runExecStream({ ...io, url });
  } catch (err) {
    if (!(err instanceof ProtocolRefused) || transport === 'websocket') throw err;
    onFallback?.(err.message);
  }
  return runSpdyCommand({ ...io, url: await newUrl() });
}
