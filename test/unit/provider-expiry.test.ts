// Expiry input: presets, ISO dates and date-times, strictness.
import * as assert from 'node:assert/strict';
import { HttpError } from '../../src/provider/http/errors';
import { parseExpiryInput, parseIsoDate } from '../../src/provider/tokens/expiry';
import { extendsExpiry } from '../../src/provider/tokens/token-kind';

const now = new Date('2030-06-01T12:00:00Z');
const DAY = 86_400_000;

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpError && e.status === 422) return e.errors?.[0]?.field;
    throw e;
  }
  return undefined;
}

describe('provider token expiry input', () => {
  it('parses dates (end of day UTC) and date-times with offsets; refuses impossible ones', () => {
    assert.equal(parseIsoDate('2031-02-28')?.toISOString(), '2031-02-28T23:59:59.000Z');
    assert.equal(parseIsoDate('2031-02-29'), undefined);
    assert.equal(parseIsoDate('2031-13-01'), undefined);
    assert.equal(parseIsoDate('2031-01-01T10:00:00+02:00')?.toISOString(), '2031-01-01T08:00:00.000Z');
    assert.equal(parseIsoDate('9999-12-31T23:59:59Z')?.toISOString(), '9999-12-31T23:59:59.000Z');
    assert.equal(parseIsoDate('9999-12-31T23:59:59-01:00'), undefined, 'carried into the year 10000');
    assert.equal(parseIsoDate('2031-01-01T10:00Z')?.toISOString(), '2031-01-01T10:00:00.000Z');
    assert.equal(parseIsoDate('2031-01-01T10:00:00.123456Z')?.toISOString(), '2031-01-01T10:00:00.123Z');
    for (const bad of ['2031-01-01T25:00:00Z', '2031-01-01 10:00:00', 'tomorrow', '1700000000', '2031-1-1', '2031-01-01T10:00:00']) {
      assert.equal(parseIsoDate(bad), undefined, bad);
    }
  });

  it('presets are days from now; null is no expiry; absent is undefined', () => {
    for (const d of [7, 30, 60, 90]) assert.equal(parseExpiryInput({ expires_in_days: d }, now)?.getTime(), now.getTime() + d * DAY);
    assert.equal(parseExpiryInput({ expires_at: null }, now), null);
    assert.equal(parseExpiryInput({}, now), undefined);
  });

  it('422 naming the field for past, malformed or doubled expiry', () => {
    assert.equal(fieldOf(() => parseExpiryInput({ expires_at: '2030-06-01T11:59:59Z' }, now)), 'expires_at');
    assert.equal(fieldOf(() => parseExpiryInput({ expires_at: 'soon' }, now)), 'expires_at');
    assert.equal(fieldOf(() => parseExpiryInput({ expires_at: '2031-01-01', expires_in_days: 7 }, now)), 'expires_in_days');
  });

  it('expires_at is bounded as expires_in_days is: at most 366 days ahead (to the end of that UTC day), else 422 naming it', () => {
    assert.equal(parseExpiryInput({ expires_in_days: 366 }, now)?.getTime(), now.getTime() + 366 * DAY);
    assert.equal(parseExpiryInput({ expires_at: '2031-06-02' }, now)?.toISOString(), '2031-06-02T23:59:59.000Z', '366 days ahead, to the end of that day');
    for (const far of ['2031-06-03', '2031-06-03T00:00:00Z', '2099-12-31T10:20:30Z', '9999-12-31T23:59:59Z']) {
      assert.equal(fieldOf(() => parseExpiryInput({ expires_at: far }, now)), 'expires_at', far);
    }
  });

  it('extendsExpiry: later or none is an extension; earlier or unchanged is not', () => {
    const a = new Date(now.getTime() + DAY);
    const b = new Date(now.getTime() + 2 * DAY);
    assert.equal(extendsExpiry(a, b), true);
    assert.equal(extendsExpiry(a, null), true);
    assert.equal(extendsExpiry(b, a), false);
    assert.equal(extendsExpiry(null, a), false);
    assert.equal(extendsExpiry(a, undefined), false);
    assert.equal(extendsExpiry(null, null), false);
  });
});
