// Conversions between SQLite rows (ISO-8601 text timestamps, written with isoTime; 0/1 booleans,
// JSON text) and records.
import { timeOfIso } from '../../iso-time';
import { UniqueViolation } from '../errors';
import { deepFreeze } from '../store-version-cache';

export type Row = Record<string, unknown>;

export function date(v: unknown): Date {
  return timeOfIso(v as string);
}
export function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : timeOfIso(v as string);
}
export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/**
 * The value of a JSON column's text, parsed once and kept (deeply frozen: every record read with
 * that text shares it, as the records the caches hand out are shared). A token's scopes and
 * permissions are a handful of texts that come back on every list read, and a look-up costs a
 * fraction of a parse. Bounded: at most JSON_KEPT texts (the oldest out first), none longer than
 * JSON_KEPT_LENGTH characters (those are parsed each time).
 */
const JSON_KEPT = 512;
const JSON_KEPT_LENGTH = 2048;
const parsedJson = new Map<string, unknown>();

export function frozenJson<T>(text: string): T {
  let value = parsedJson.get(text);
  if (value === undefined) {
    value = deepFreeze(JSON.parse(text) as unknown);
    if (text.length > JSON_KEPT_LENGTH) return value as T;
    if (parsedJson.size >= JSON_KEPT) parsedJson.delete(parsedJson.keys().next().value as string);
    parsedJson.set(text, value);
  }
  return value as T;
}

/** Runs `fn`, turning SQLite unique-constraint errors into UniqueViolation(field). */
export function mapUnique<T>(fn: () => T, fieldFor: (message: string) => string): T {
  try {
    return fn();
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/UNIQUE constraint failed/i.test(message)) throw new UniqueViolation(fieldFor(message));
    throw err;
  }
}

/** SQLITE_BUSY or SQLITE_LOCKED (any extended code): another connection held the database past the busy timeout. */
export function isSqliteBusy(err: unknown): boolean {
  const e = err as { code?: unknown; errcode?: unknown } | undefined;
  if (e?.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return false;
  const primary = e.errcode & 0xff;
  return primary === 5 || primary === 6;
}

/** SQLITE_CONSTRAINT_FOREIGNKEY: a row written refers to a parent row that is not there. */
export function isSqliteMissingReference(err: unknown): boolean {
  const e = err as { code?: unknown; errcode?: unknown } | undefined;
  return e?.code === 'ERR_SQLITE_ERROR' && e.errcode === 787;
}
