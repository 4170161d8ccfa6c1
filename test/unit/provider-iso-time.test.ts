// isoTime writes a time exactly as Date.prototype.toISOString does, for every valid time
// (its own arithmetic from 1970 to 9999, toISOString's outside), and fails the same way on an
// invalid date; timeOfIso reads any text as `new Date(text)` does (its own arithmetic for isoTime's
// form, V8's parser for the rest); githubTime writes GitHub's form, to the second.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { githubTime, githubTimeOrNull, isoTime, isoTimeOrNull, timeOfIso } from '../../src/provider/iso-time';

const MAX_DATE_MS = 8.64e15;
const YEAR_10000_MS = Date.UTC(10000, 0, 1);

describe('provider isoTime', () => {
  it('writes what toISOString writes, for any valid time', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }), (ms) => {
        const d = new Date(ms);
        assert.equal(isoTime(d), d.toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes what toISOString writes across 1970 to 9999 (its own arithmetic)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: YEAR_10000_MS - 1 }), (ms) => {
        const d = new Date(ms);
        assert.equal(isoTime(d), d.toISOString());
      }),
      { numRuns: 50_000 },
    );
  });

  it('gets the edges right: the epoch, leap days, century years, year ends, the last millisecond before 10000', () => {
    const edges = [
      '1970-01-01T00:00:00.000Z', '1972-02-29T23:59:59.999Z', '1999-12-31T23:59:59.999Z', '2000-02-29T12:00:00.000Z',
      '2000-03-01T00:00:00.000Z', '2100-02-28T00:00:00.000Z', '2100-03-01T00:00:00.000Z', '2400-02-29T00:00:00.001Z',
      '2026-12-04T15:47:49.123Z', '9999-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z',
    ];
    for (const text of edges) {
      const d = new Date(text);
      assert.equal(isoTime(d), d.toISOString(), text);
      assert.equal(isoTime(d), text);
    }
    assert.equal(isoTime(new Date(Date.UTC(2026, 11, 4, 15, 47, 49, 123))), '2026-12-04T15:47:49.123Z');
  });

  it('writes a time again as the first time, also after another time took its place among the recent texts', () => {
    // Times that share a slot of the recent texts (they differ by a multiple of 1024 ms), written in turn, each twice.
    const base = Date.UTC(2026, 11, 4, 15, 47, 49, 123);
    const times = [base, base + 1024, base + 1024 * 1000, base + 1024 * 86_400, base, base + 1024];
    for (const ms of [...times, ...times]) {
      const d = new Date(ms);
      assert.equal(isoTime(d), d.toISOString());
      assert.equal(isoTime(d), d.toISOString());
      assert.equal(githubTime(d), `${d.toISOString().slice(0, -5)}Z`);
      assert.equal(githubTime(d), `${d.toISOString().slice(0, -5)}Z`);
    }
  });

  it('reads a text again as the first time, also after another text took its place among the recent ones, and writes it back as it was', () => {
    // Texts that share a slot (the same seconds and milliseconds), read in turn, each twice; then
    // written back, also after a time sharing the written text's slot was written.
    const texts = ['2026-12-04T15:47:49.123Z', '2026-12-05T15:47:49.123Z', '2031-01-01T00:00:49.123Z', '1970-01-01T00:00:49.123Z', '2026-12-04T15:47:49.123Z'];
    for (const text of [...texts, ...texts]) {
      assert.equal(timeOfIso(text).getTime(), new Date(text).getTime(), text);
      assert.equal(timeOfIso(text).getTime(), new Date(text).getTime(), text);
      assert.equal(isoTime(timeOfIso(text)), text);
      const other = new Date(timeOfIso(text).getTime() + 1024);
      assert.equal(isoTime(other), other.toISOString());
      assert.equal(isoTime(timeOfIso(text)), text);
    }
    // A read Date is the caller's own: changing it changes neither what is read next nor what is written.
    const d = timeOfIso(texts[0]);
    d.setTime(0);
    assert.equal(timeOfIso(texts[0]).getTime(), new Date(texts[0]).getTime());
    assert.equal(isoTime(timeOfIso(texts[0])), texts[0]);
  });

  it('throws on an invalid date as toISOString does; isoTimeOrNull passes null and undefined through as null', () => {
    assert.throws(() => isoTime(new Date(Number.NaN)), RangeError);
    assert.equal(isoTimeOrNull(null), null);
    assert.equal(isoTimeOrNull(undefined), null);
    assert.equal(isoTimeOrNull(new Date(0)), '1970-01-01T00:00:00.000Z');
  });

  /** `new Date(text)`'s time, NaN (invalid) compared as equal. */
  const sameTime = (text: string) => {
    const ours = timeOfIso(text).getTime();
    const v8 = new Date(text).getTime();
    assert.ok(ours === v8 || (Number.isNaN(ours) && Number.isNaN(v8)), `${text}: ${ours} != ${v8}`);
  };

  it('timeOfIso reads back every time isoTime writes, and any text as new Date does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }), (ms) => {
        const text = isoTime(new Date(ms));
        assert.equal(timeOfIso(text).getTime(), ms);
        sameTime(text);
      }),
      { numRuns: 50_000 },
    );
    // isoTime's form with one character changed (digits out of range, Feb 30, hour 24, signs, spaces...), and any text.
    const canonical = fc.integer({ min: 0, max: YEAR_10000_MS - 1 }).map((ms) => isoTime(new Date(ms)));
    const mutated = fc.tuple(canonical, fc.nat(23), fc.constantFrom(...'0123456789-+:.TZ x'.split(''))).map(([t, i, c]) => t.slice(0, i) + c + t.slice(i + 1));
    fc.assert(fc.property(fc.oneof(mutated, fc.string({ maxLength: 30 })), sameTime), { numRuns: 50_000 });
    for (const text of ['2026-02-30T00:00:00.000Z', '2024-02-29T24:00:00.000Z', '2023-02-29T00:00:00.000Z', '2026-13-01T00:00:00.000Z',
      '2026-12-01T23:59:60.000Z', '2026-00-10T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z', '2026-12-04T15:47:49.123+00', '']) sameTime(text);
  });

  it("githubTime: GitHub's form, the time cut to the second (what jq's fromdate reads); githubTimeOrNull passes null through", () => {
    assert.equal(githubTime(new Date(Date.UTC(2026, 11, 4, 15, 47, 49, 999))), '2026-12-04T15:47:49Z');
    assert.equal(githubTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), '2024-01-02T03:04:05Z');
    fc.assert(fc.property(fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }), (ms) => {
      const d = new Date(ms);
      const whole = new Date(Math.floor(ms / 1000) * 1000);
      assert.equal(githubTime(d), whole.toISOString().replace('.000Z', 'Z'));
      assert.equal(timeOfIso(githubTime(d)).getTime(), whole.getTime());
    }), { numRuns: 20_000 });
    assert.deepEqual([githubTimeOrNull(null), githubTimeOrNull(undefined), githubTimeOrNull(new Date(1500))], [null, null, '1970-01-01T00:00:01Z']);
  });
});
