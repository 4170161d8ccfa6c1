// Token expiry input: `expires_at` (ISO 8601 date-time, or a `YYYY-MM-DD` date meaning the end
// of that day UTC; null = no expiry) or `expires_in_days` (a preset such as 7/30/60/90), either
// at most 366 days ahead (the end of that UTC day for `expires_at`), for every kind of token.
import { DAY } from '../clock';
import { invalidField } from '../http/errors';
import { YEAR_10000_MS } from '../iso-time';
import { assertExpiryWithinCap } from '../policies/token-lifetime';
import { MAX_TOKEN_LIFETIME_DAYS } from '../../shared/token-text';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export const expiryBodySchema = {
  expires_at: { anyOf: [{ type: 'string', maxLength: 40 }, { type: 'null' }] },
  expires_in_days: { type: 'integer', minimum: 1, maximum: MAX_TOKEN_LIFETIME_DAYS },
} as const;

/**
 * Strict ISO 8601 parse (rejects impossible dates like 2025-02-30, and a time an offset carries into
 * the year 10000, whose stored text — `+010000-…` — would not compare in order with the others).
 */
export function parseIsoDate(value: string): Date | undefined {
  let m = DATE_ONLY.exec(value);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? d : undefined;
  }
  m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, da, h, mi, s] = m.map((x) => (x === undefined ? '0' : x));
  if (Number(mo) < 1 || Number(mo) > 12 || Number(da) < 1 || Number(da) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(da)));
  if (probe.getUTCMonth() !== Number(mo) - 1) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) || d.getTime() >= YEAR_10000_MS ? undefined : d;
}

/**
 * The requested expiry: a Date, null (no expiry) or undefined (not given). Throws 422 naming the
 * field when it is malformed, in the past, more than 366 days ahead, or both fields are given.
 */
export function parseExpiryInput(body: { expires_at?: string | null; expires_in_days?: number }, now: Date): Date | null | undefined {
  if (body.expires_at !== undefined && body.expires_in_days !== undefined) {
    throw invalidField('expires_in_days', 'cannot be combined with expires_at');
  }
  if (body.expires_in_days !== undefined) return new Date(now.getTime() + body.expires_in_days * DAY);
  if (body.expires_at === undefined) return undefined;
  if (body.expires_at === null) return null;
  const d = parseIsoDate(body.expires_at);
  if (!d) throw invalidField('expires_at', 'must be an ISO 8601 date-time (e.g. 2030-01-31T00:00:00Z) or date (2030-01-31)');
  if (d.getTime() <= now.getTime()) throw invalidField('expires_at', 'must be in the future');
  // The bound the schema puts on `expires_in_days` (1–366), for a date.
  assertExpiryWithinCap(d, now, MAX_TOKEN_LIFETIME_DAYS, 'Tessera');
  return d;
}
