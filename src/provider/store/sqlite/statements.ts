// Prepared statements kept per connection, by SQL text: preparing (parsing and planning) costs more
// than running most of the provider's statements, and the stores run the same few hundred texts
// over and over. Bounded (texts with a variable number of `?` differ by length): at most
// MAX_STATEMENTS per connection, the oldest out first. A statement is stepped to completion by
// each call (get, all, run), so sharing one is safe; one whose options are changed
// (setReturnArrays, ...) must be prepared apart.
import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import { readStatement, writeStatement } from './shared-read';

const MAX_STATEMENTS = 256;

/**
 * The paging clause of every list read, bound as (limit, offset); a limit of -1 reads to the end.
 * The unary plus matters: SQLite's planner takes a bare `LIMIT ?`'s bound value into its plan, so a
 * statement with one is prepared again on every run with new bindings, which costs more than most
 * list reads themselves. `+?` is the same number to the query and leaves the plan alone.
 */
export const PAGE_CLAUSE = 'LIMIT +? OFFSET ?';
const caches = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/**
 * The prepared statement of `sql`, for a write (or a read of some other kind than allRows' and
 * oneRow's): the turn's shared read transaction ends first (shared-read.ts), so run it at once.
 */
export function statement(db: DatabaseSync, sql: string): StatementSync {
  writeStatement(db);
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

/** Makes one row object from a row's values, in the statement's column order. */
type RowMaker = (values: SQLOutputValue[]) => Record<string, SQLOutputValue>;

interface ArrayStatement {
  stmt: StatementSync;
  /** A SELECT, which joins the turn's shared read transaction (anything else, an INSERT … RETURNING, ends it). */
  read: boolean;
  names: string[];
  make: RowMaker;
}
const arrayCaches = new WeakMap<DatabaseSync, Map<string, ArrayStatement | null>>();

const SELECT = /^\s*SELECT\b/i;

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The row maker for these column names: an object literal of one fixed shape, compiled once per
 * statement, which V8 builds and reads an order of magnitude faster than an object filled key by
 * key (each such store changes the object's shape). The names are the schema's own (SQLite's
 * column names and aliases); any other than a plain identifier gets the key-by-key maker.
 */
function rowMaker(names: readonly string[]): RowMaker {
  if (names.every((n) => PLAIN_NAME.test(n) && n !== '__proto__')) {
    // (Code made from plain identifiers only, checked above.)
    return new Function('v', `return { ${names.map((n, i) => `${n}: v[${i}]`).join(', ')} };`) as RowMaker;
  }
  return (values) => {
    const row: Record<string, SQLOutputValue> = {};
    // (defineProperty: an assignment to `__proto__` would set the prototype, not a key.)
    for (let i = 0; i < names.length; i++) Object.defineProperty(row, names[i], { value: values[i], enumerable: true, writable: true, configurable: true });
    return row;
  };
}

/** The statement of `sql` reading rows as arrays, with its row maker; null where node:sqlite cannot name columns. */
function arrayStatement(db: DatabaseSync, sql: string): ArrayStatement | null {
  let cache = arrayCaches.get(db);
  if (!cache) arrayCaches.set(db, (cache = new Map()));
  let entry = cache.get(sql);
  if (entry === undefined) {
    const stmt = db.prepare(sql);
    if (typeof stmt.columns === 'function') {
      const names = stmt.columns().map((c) => c.name);
      stmt.setReturnArrays(true);
      entry = { stmt, read: SELECT.test(sql), names, make: rowMaker(names) };
    } else {
      entry = null;
    }
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    cache.set(sql, entry);
  }
  return entry;
}

/** SQLite prepares a statement again after a schema change: its columns may have changed with it. */
function checkColumns(entry: ArrayStatement, row: SQLOutputValue[]): void {
  if (row.length === entry.names.length) return;
  entry.names = entry.stmt.columns().map((c) => c.name);
  entry.make = rowMaker(entry.names);
}

/**
 * `statement(db, sql).all(...args)`, for reads of many rows: node:sqlite builds a row as an array
 * several times faster than as an object, so the rows are read as arrays and made objects here
 * (rowMaker). Where node:sqlite cannot name a statement's columns (before Node 22.16) it reads
 * objects as `all` does.
 */
export function allRows(db: DatabaseSync, sql: string, ...args: SQLInputValue[]): Record<string, SQLOutputValue>[] {
  const entry = arrayStatement(db, sql);
  if (!entry) return statement(db, sql).all(...args) as Record<string, SQLOutputValue>[];
  if (entry.read) readStatement(db);
  else writeStatement(db);
  const rows = entry.stmt.all(...args) as unknown as SQLOutputValue[][];
  if (rows.length) checkColumns(entry, rows[0]);
  return rows.map(entry.make);
}

/** `statement(db, sql).get(...args)` the same way as allRows: one row (undefined when none). */
export function oneRow(db: DatabaseSync, sql: string, ...args: SQLInputValue[]): Record<string, SQLOutputValue> | undefined {
  const entry = arrayStatement(db, sql);
  if (!entry) return statement(db, sql).get(...args) as Record<string, SQLOutputValue> | undefined;
  if (entry.read) readStatement(db);
  else writeStatement(db);
  const row = entry.stmt.get(...args) as unknown as SQLOutputValue[] | undefined;
  if (!row) return undefined;
  checkColumns(entry, row);
  return entry.make(row);
}
