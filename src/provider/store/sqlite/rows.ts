// Conversions between SQLite rows (ISO-8601 text timestamps, written with isoTime; 0/1 booleans,
// JSON text) and records.
import { timeOfIso } from '../../iso-time';
import { UniqueViolation } from '../errors';

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
