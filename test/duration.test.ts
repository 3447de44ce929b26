import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../src/cli/duration';
import { UsageError } from '../src/cli/errors';

describe('parseDuration', () => {
  const cases: Array<[string, number]> = [
    ['2s', 2000],
    ['500ms', 500],
    ['5', 5000],
    ['0.5', 500],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['1h', 3_600_000],
    ['250us', 0.25],
    ['1000000ns', 1],
    [' 3s ', 3000],
    ['0', 0],
    ['-1', -1000], // crictl: a timeout ≤ 0 means the default; the caller decides
    ['-1s', -1000],
  ];
  for (const [text, ms] of cases) {
    it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => assert.equal(parseDuration(text, '-t'), ms));
  }

  for (const bad of ['', 'xx', '5x', '2 s', 's', '2S', '1s2', 'ms500']) {
    it(`rejects ${JSON.stringify(bad)} as a usage error naming the flag`, () => {
      assert.throws(
        () => parseDuration(bad, '-t/--timeout'),
        (err: unknown) => err instanceof UsageError && err.exitCode === 2 && err.message.includes('-t/--timeout') && err.message.includes(JSON.stringify(bad)),
      );
    });
  }
});
