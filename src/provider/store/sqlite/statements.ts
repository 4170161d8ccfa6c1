// Prepared statements kept per connection, by SQL text: preparing (parsing and planning) costs more
// than running most of the provider's statements, and the stores run the same few hundred texts
// over and over. Bounded (texts with a variable number of `?` differ by length): at most
// MAX_STATEMENTS per connection, the oldest out first. A statement is stepped to completion by
// each call (get, all, run), so sharing one is safe; one whose options are changed
// (setReturnArrays, ...) must be prepared apart.
import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';

const MAX_STATEMENTS = 256;
const caches = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

export function statement(db: DatabaseSync, sql: string): StatementSync {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    cache.set(sql, stmt);
  }
  return stmt;
}

interface ArrayStatement {
  stmt: StatementSync;
  names: string[];
}
const arrayCaches = new WeakMap<DatabaseSync, Map<string, ArrayStatement | null>>();

/**
 * `statement(db, sql).all(...args)`, for reads of many rows: node:sqlite builds a row as an array
 * several times faster than as an object, so the rows are read as arrays and made objects here
 * (by the statement's column names). Where node:sqlite cannot name a statement's columns (before
 * Node 22.16) it reads objects as `all` does.
 */
export function allRows(db: DatabaseSync, sql: string, ...args: SQLInputValue[]): Record<string, SQLOutputValue>[] {
  let cache = arrayCaches.get(db);
  if (!cache) arrayCaches.set(db, (cache = new Map()));
  let entry = cache.get(sql);
  if (entry === undefined) {
    const stmt = db.prepare(sql);
    entry = typeof stmt.columns === 'function' ? { stmt, names: stmt.columns().map((c) => c.name) } : null;
    entry?.stmt.setReturnArrays(true);
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    cache.set(sql, entry);
  }
  if (!entry) return statement(db, sql).all(...args) as Record<string, SQLOutputValue>[];
  const rows = entry.stmt.all(...args) as unknown as SQLOutputValue[][];
  // SQLite prepares a statement again after a schema change: its columns may have changed with it.
  if (rows.length && rows[0].length !== entry.names.length) entry.names = entry.stmt.columns().map((c) => c.name);
  const { names } = entry;
  return rows.map((values) => {
    const row: Record<string, SQLOutputValue> = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
    return row;
  });
}
