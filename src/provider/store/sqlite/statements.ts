// Prepared statements kept per connection, by SQL text: preparing (parsing and planning) costs more
// than running most of the provider's statements, and the stores run the same few hundred texts
// over and over. Bounded (texts with a variable number of `?` differ by length): at most
// MAX_STATEMENTS per connection, the oldest out first. A statement is stepped to completion by
// each call (get, all, run), so sharing one is safe; one whose options are changed
// (setReturnArrays, ...) must be prepared apart.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

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
