/**
 * Go time formatting of CRI nanosecond timestamps (crictl inspect, pods -v).
 * TZ is set per test: Node re-reads it when process.env.TZ changes.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GO_ZERO_TIME, goTimeString, rfc3339Nano } from '../src/output/time';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('rfc3339Nano', () => {
  it('matches the live crictl sample in UTC', () => {
    process.env.TZ = 'UTC';
    assert.equal(rfc3339Nano('1795614205729995935'), '2026-11-25T13:43:25.729995935Z');
    assert.equal(rfc3339Nano(1795614205635089029n), '2026-11-25T13:43:25.635089029Z');
  });

  it('drops trailing zeros of the fraction, and the fraction when it is zero', () => {
    process.env.TZ = 'UTC';
    assert.equal(rfc3339Nano('0'), '1970-01-01T00:00:00Z');
    assert.equal(rfc3339Nano('1500000000'), '1970-01-01T00:00:01.5Z');
    assert.equal(rfc3339Nano('1000000010'), '1970-01-01T00:00:01.00000001Z');
    assert.equal(rfc3339Nano(''), '1970-01-01T00:00:00Z');
  });

  it('uses the local zone with a numeric offset, as Go does', () => {
    process.env.TZ = 'America/New_York';
    assert.equal(rfc3339Nano('1795614205729995935'), '2026-11-25T08:43:25.729995935-05:00');
    process.env.TZ = 'Asia/Kolkata';
    assert.equal(rfc3339Nano('1795614205000000000'), '2026-11-25T19:13:25+05:30');
  });

  it("Go's zero time is the 'never' value", () => {
    assert.equal(GO_ZERO_TIME, '0001-01-01T00:00:00Z');
  });
});

describe('goTimeString (time.Time.String)', () => {
  it('matches the live crictl pods -v sample in UTC', () => {
    process.env.TZ = 'UTC';
    assert.equal(goTimeString('1795614205635089029'), '2026-11-25 13:43:25.635089029 +0000 UTC');
  });

  it('prints the zone abbreviation, or a numeric one when the zone has none (tzdata "+04")', () => {
    process.env.TZ = 'America/New_York';
    assert.equal(goTimeString('1795614205000000000'), '2026-11-25 08:43:25 -0500 EST');
    process.env.TZ = 'Asia/Dubai';
    assert.equal(goTimeString('1795614205000000000'), '2026-11-25 17:43:25 +0400 +04');
  });
});
