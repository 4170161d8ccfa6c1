// The ISO 8601 text of a time exactly as Date.prototype.toISOString writes it
// (`2026-12-04T15:47:49.123Z`): every timestamp of every JSON answer (githubTime, below, cuts it
// to the second for GitHub's shapes) and of every SQLite row goes through here. A page of tokens
// or repositories carries dozens of timestamps, and V8's toISOString is several times slower than
// this arithmetic (bench/iso-time prints both). Times outside 1970–9999 (none the provider makes)
// and invalid dates are left to toISOString.
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: every time the provider accepts or stores is before it. */
export const YEAR_10000_MS = 253_402_300_800_000;

/**
 * The texts last written, by time (a slot per time modulo RECENT): a list answer writes the same
 * records' times on every request, and a text handed out again costs neither the arithmetic nor,
 * once a JSON.stringify has flattened it (a template literal makes a rope), another copy. A time
 * timeOfIso read from a row's text has that very text here: a record read and written back out
 * costs one look-up each way.
 */
const RECENT = 1024;
const recentIsoTimes = new Float64Array(RECENT).fill(NaN);
const recentIsoTexts: string[] = new Array<string>(RECENT).fill('');
const recentGithubTimes = new Float64Array(RECENT).fill(NaN);
const recentGithubTexts: string[] = new Array<string>(RECENT).fill('');
/** The texts timeOfIso last read in isoTime's form, and their times (a slot per text's seconds and milliseconds). */
const recentReadTexts: string[] = new Array<string>(RECENT).fill('');
const recentReadTimes = new Float64Array(RECENT);

export function isoTime(d: Date): string {
  const t = d.getTime();
  if (!(t >= 0 && t < YEAR_10000_MS)) return d.toISOString();
  const slot = t % RECENT;
  if (recentIsoTimes[slot] === t) return recentIsoTexts[slot];
  const text = isoTimeText(t);
  recentIsoTimes[slot] = t;
  recentIsoTexts[slot] = text;
  return text;
}

/** isoTime's arithmetic, for a time `t` (ms) in 1970–9999. */
function isoTimeText(t: number): string {
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number of `text`'s characters from `start` to `end` read as decimal digits; -1 when one is not a digit. */
function digits(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The time `text` names, as `new Date(text)` reads it. Text exactly as isoTime writes it (every
 * timestamp of every SQLite row) is read with isoTime's arithmetic inverted, several times faster
 * than V8's date parser (bench/iso-time prints both); any other text is left to `new Date`.
 */
export function timeOfIso(text: string): Date {
  if (text.length !== 24 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58
      || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90) return new Date(text);
  // A slot from the seconds and milliseconds, which vary the most.
  const slot = (text.charCodeAt(17) * 10_000 + text.charCodeAt(18) * 1000 + text.charCodeAt(20) * 100 + text.charCodeAt(21) * 10 + text.charCodeAt(22)) % RECENT;
  if (recentReadTexts[slot] === text) return new Date(recentReadTimes[slot]);
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hours = digits(text, 11, 13);
  const minutes = digits(text, 14, 16);
  const seconds = digits(text, 17, 19);
  const ms = digits(text, 20, 23);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1] + (month === 2 && leap ? 1 : 0)
      || hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59 || ms < 0) return new Date(text);
  // Howard Hinnant's days_from_civil: the day count of a civil date, with years starting on 1 March.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468;
  const t = days * DAY_MS + hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + ms;
  recentReadTexts[slot] = text;
  recentReadTimes[slot] = t;
  // This text is the one isoTime writes for t (the form is checked above): it is isoTime's answer.
  const written = t % RECENT;
  recentIsoTimes[written] = t;
  recentIsoTexts[written] = text;
  return new Date(t);
}

/** isoTime of `d`, or null. */
export function isoTimeOrNull(d: Date | null | undefined): string | null {
  return d ? isoTime(d) : null;
}

/**
 * A time as GitHub writes it in its API answers, to the second (`2026-12-04T15:47:49Z`): the
 * timestamps of GitHub's REST shapes (`created_at`, `pushed_at`, …) and GraphQL's DateTime values.
 * Readers written for GitHub's form refuse the milliseconds isoTime writes: jq's `fromdate`
 * (`gh api … --jq '.created_at | fromdate'`), `strptime` with `%Y-%m-%dT%H:%M:%SZ`.
 */
export function githubTime(d: Date): string {
  const t = d.getTime();
  const slot = t >= 0 && t < YEAR_10000_MS ? t % RECENT : -1;
  if (slot >= 0 && recentGithubTimes[slot] === t) return recentGithubTexts[slot];
  const iso = isoTime(d);
  const text = iso.charCodeAt(iso.length - 5) === 46 ? `${iso.slice(0, -5)}Z` : iso;
  if (slot >= 0) {
    recentGithubTimes[slot] = t;
    recentGithubTexts[slot] = text;
  }
  return text;
}

/** githubTime of `d`, or null. */
export function githubTimeOrNull(d: Date | null | undefined): string | null {
  return d ? githubTime(d) : null;
}
