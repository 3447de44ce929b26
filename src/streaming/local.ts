/**
 * The local ends of exec/attach/port-forward: the streaming URL as the
 * runtime gave it, and this terminal's size.
 */
import { CliError } from '../cli/cli-error';
import type { TerminalSize } from './exec-stream';

/** crictl's fallback for runtimes that return only a path. */
export function absoluteStreamUrl(url: string | undefined, rpc: string): string {
  if (!url) throw new CliError(`the runtime returned no streaming URL for ${rpc}`);
  return new URL(url, 'http://127.0.0.1:10250').toString();
}

/** Our terminal's size now and a way to hear about changes (SIGWINCH), for the remote terminal. */
export function localTerminal(): { size: () => TerminalSize; onResize: (listener: () => void) => () => void } {
  const out = process.stdout.isTTY ? process.stdout : undefined;
  return {
    size: () => ({ columns: out?.columns ?? 80, rows: out?.rows ?? 24 }),
    onResize: (listener: () => void) => {
      process.stdout.on('resize', listener);
      return () => process.stdout.removeListener('resize', listener);
    },
  };
}
