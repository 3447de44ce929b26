/**
 * Cell formatting: go-units sizes (Go %g with exact ties) and ages, crictl's
 * truncated IDs, and terminal-safe escaping.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ago, formatGoG, humanDuration, humanSize, safeCell, truncateId } from '../src/output/format';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('humanSize (go-units HumanSizeWithPrecision, decimal units)', () => {
  it('prints crictl image sizes with 3 significant digits', () => {
    assert.equal(humanSize(1028707, 3), '1.03MB'); // live crictl sample
    assert.equal(humanSize(0, 3), '0B');
    assert.equal(humanSize(999, 3), '999B');
    assert.equal(humanSize(1000, 3), '1kB');
    assert.equal(humanSize(750_000, 3), '750kB');
    assert.equal(humanSize(4_500_000, 3), '4.5MB');
    assert.equal(humanSize(191_000_000, 3), '191MB');
    assert.equal(humanSize(2_126_096, 3), '2.13MB');
  });

  it('keeps the go-units quirk just below the next unit: 999,500 B is 1e+03kB', () => {
    assert.equal(humanSize(999_500, 3), '1e+03kB');
    assert.equal(humanSize(999_999, 3), '1e+03kB');
    assert.equal(humanSize(999_499, 3), '999kB');
    assert.equal(humanSize(1_000_000, 3), '1MB');
  });

  it('rounds exact ties to even, as Go does (1.125 → 1.12, 1.375 → 1.38)', () => {
    assert.equal(humanSize(1125, 3), '1.12kB');
    assert.equal(humanSize(1375, 3), '1.38kB');
    assert.equal(humanSize(1126, 3), '1.13kB');
  });

  it('prints stats sizes with 4 significant digits', () => {
    assert.equal(humanSize(573_400, 4), '573.4kB');
    assert.equal(humanSize(8192, 4), '8.192kB');
    assert.equal(humanSize(10_227_712, 4), '10.23MB');
  });
});

describe('formatGoG (fmt %.Ng)', () => {
  it('switches to the exponent form below 1e-4 and at 10^precision', () => {
    assert.equal(formatGoG(0.0001234, 4), '0.0001234');
    assert.equal(formatGoG(0.00001234, 4), '1.234e-05');
    assert.equal(formatGoG(123456, 3), '1.23e+05');
    assert.equal(formatGoG(100, 3), '100');
    assert.equal(formatGoG(-2.5, 3), '-2.5');
    assert.equal(formatGoG(12, 3), '12');
  });
});

describe('humanDuration (go-units HumanDuration)', () => {
  const cases: [number, string][] = [
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [-5 * SEC, 'Less than a second'],
    [SEC, '1 second'],
    [59 * SEC + 999, '59 seconds'],
    [MIN, 'About a minute'],
    [2 * MIN - 1, 'About a minute'],
    [2 * MIN, '2 minutes'],
    [HOUR - 1, '59 minutes'],
    [HOUR, 'About an hour'],
    [HOUR + 29 * MIN, 'About an hour'],
    [HOUR + 30 * MIN, '2 hours'],
    [47 * HOUR + 29 * MIN, '47 hours'],
    [47 * HOUR + 30 * MIN, '2 days'],
    [14 * DAY - HOUR, '13 days'],
    [14 * DAY, '2 weeks'],
    [60 * DAY, '2 months'],
    [2 * 365 * DAY, '2 years'],
  ];
  for (const [ms, want] of cases) {
    it(`${ms} ms → ${want}`, () => assert.equal(humanDuration(ms), want));
  }

  it('uses truncated hours for years, like go-units (not the rounded ones)', () => {
    // 17519.6 hours rounds to 17520 = two years, but Go divides int(17519.6).
    assert.equal(humanDuration(17519.6 * HOUR), '1 years');
  });

  it('ago() handles nanosecond strings beyond 2^53 and future times', () => {
    const now = 1_795_614_205_729;
    assert.equal(ago('1795614202729995935', now), '3 seconds ago');
    assert.equal(ago('1795614305729995935', now), 'Less than a second ago');
    assert.equal(ago('', now), '56 years ago');
  });
});

describe('truncateId', () => {
  it('keeps 13 characters and strips an algorithm prefix', () => {
    assert.equal(truncateId('baa30da74f20fcbf2a02e5f8c98b1a64b86e9ec8c066a86a52adaf75db7579e1'), 'baa30da74f20f');
    assert.equal(truncateId('sha256:f19d423cb2f4b2e63cb3da561bc8c80dbce5aa3884bf0e3bec49c3a2013705b0', 'sha256:'), 'f19d423cb2f4b');
    assert.equal(truncateId('abc'), 'abc');
  });
});

describe('safeCell', () => {
  it('escapes C0/C1 control characters and bidi overrides, nothing else', () => {
    assert.equal(safeCell('evil\x1b[2Jname'), 'evil\\x1b[2Jname');
    assert.equal(safeCell('a\nb\tc\rd'), 'a\\x0ab\\x09c\\x0dd');
    assert.equal(safeCell('x\x9by'), 'x\\x9by');
    assert.equal(safeCell('abc\u202Egpj.exe'), 'abc\\u202egpj.exe');
    assert.equal(safeCell('\x7f'), '\\x7f');
    assert.equal(safeCell('nginx-7d9c4f-abcde'), 'nginx-7d9c4f-abcde');
    assert.equal(safeCell('café/日本'), 'café/日本');
  });
});
