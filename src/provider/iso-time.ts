// The ISO 8601 text of a time exactly as Date.prototype.toISOString writes it
// (`2026-12-04T15:47:49.123Z`): every timestamp of every JSON answer and of every SQLite row goes
// through here. A page of tokens or repositories carries dozens of timestamps, and V8's
// toISOString is several times slower than this arithmetic (bench/iso-time prints both). Times
// outside 1970–9999 (none the provider makes) and invalid dates are left to toISOString.
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z */
const YEAR_10000_MS = 253_402_300_800_000;

export function isoTime(d: Date): string {
  const t = d.getTime();
  if (!(t >= 0 && t < YEAR_10000_MS)) return d.toISOString();
  const days = Math.floor(t / DAY_MS);
  let ms = t - days * DAY_MS;
  // The civil date of a day count (Howard Hinnant's days_from_civil, inverted): eras of 400
  // years counted from 0000-03-01, so that February's variable length falls at a year's end.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const seconds = Math.floor(ms / 1000);
  ms -= seconds * 1000;
  return `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[ms]}Z`;
}

/** isoTime of `d`, or null. */
export function isoTimeOrNull(d: Date | null | undefined): string | null {
  return d ? isoTime(d) : null;
}
