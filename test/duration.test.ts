import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseDuration, parseGoDuration } from '../src/cli/duration';
import { UsageError } from '../src/cli/cli-error';

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
    ['.5s', 500],
    ['1.s', 1000],
    ['1\u00b5s', 0.001],
    ['1\u03bcs', 0.001],
    ['+2s', 2000],
  ];
  for (const [text, ms] of cases) {
    it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => assert.equal(parseDuration(text, '-t'), ms));
  }

  for (const bad of ['', 'xx', '5x', '2 s', 's', '2S', '1s2', 'ms500']) {
    it(`rejects ${JSON.stringify(bad)} as a usage error naming the flag`, () => {
      assert.throws(
        () => parseDuration(bad, '-t/--timeout'),
        (err: unknown) => err instanceof UsageError && err.exitCode === 1 && err.message.includes('-t/--timeout') && err.message.includes(JSON.stringify(bad)),
      );
    });
  }
});

describe('parseGoDuration (Go time.ParseDuration)', () => {
  const good: Array<[string, number]> = [
    ['1h30m', 5400e9],
    ['1.5s', 1.5e9],
    ['.5s', 0.5e9],
    ['1.s', 1e9],
    ['250ms', 250e6],
    ['3us', 3e3],
    ['3\u00b5s', 3e3],
    ['3\u03bcs', 3e3],
    ['1ns', 1],
    ['-1m', -60e9],
    ['+1m', 60e9],
    ['0', 0],
    ['-0', 0],
  ];
  for (const [text, ns] of good) it(`reads ${JSON.stringify(text)} as ${ns} ns`, () => assert.equal(parseGoDuration(text), ns));
  for (const bad of ['', '10', '5x', '.', '.s', '-', '1 s', 's', '1h 2m']) {
    it(`rejects ${JSON.stringify(bad)} as Go does`, () => assert.equal(parseGoDuration(bad), undefined));
  }
});

describe('formatGoDuration (Go time.Duration.String)', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [1e-6, '1ns'],
    [0.0015, '1.5\u00b5s'],
    [0.5, '500\u00b5s'],
    [500, '500ms'],
    [1.5, '1.5ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [2000, '2s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [3_723_000.000001, '1h2m3.000000001s'],
    [-1000, '-1s'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => assert.equal(formatGoDuration(ms), text));
  it('round-trips with parseGoDuration', () => {
    for (const text of ['1ns', '250ms', '1m30s', '1h0m0s', '1.5s']) assert.equal(formatGoDuration(parseGoDuration(text)! / 1e6), text);
  });
});
