import { afterEach, beforeEach } from 'node:test';

/** Runs each test of the file in TZ=UTC (Node re-reads TZ when it changes) and restores the caller's TZ after it. Call at top level. */
export function useUtc(): void {
  const saved = process.env.TZ;
  beforeEach(() => {
    process.env.TZ = 'UTC';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}
