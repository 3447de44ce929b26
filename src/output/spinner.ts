/**
 * An ora spinner on stderr while something slow happens (a pull), only when
 * stderr is a terminal: piped and scripted runs see nothing extra. ora is
 * loaded only then.
 */
export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const NONE: Spinner = { update: () => undefined, stop: () => undefined };

export function startSpinner(text: string): Spinner {
  if (!process.stderr.isTTY) return NONE;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('ora') as { default: (o: object) => { start(): { text: string; stop(): void } } };
    const s = mod.default({ text, stream: process.stderr, discardStdin: false }).start();
    return {
      update: (t) => {
        s.text = t;
      },
      stop: () => s.stop(),
    };
  } catch {
    return NONE;
  }
}
