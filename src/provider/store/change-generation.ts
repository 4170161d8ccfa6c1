// An optional store capability: a cheap signal that stored data may have changed, so a reader can
// keep results in memory (auth/principal-cache.ts) and drop them the moment anything changes.
// The SQLite token store has it (store/sqlite/tokens.ts); a store without it is simply read on
// every request.

export interface ChangeGeneration {
  /**
   * A number that stays the same only while nothing in the store has changed: it moves on every
   * write committed through this process's connection and on every commit made by any other
   * connection or process sharing the database (an implementation may notice those from the next
   * event-loop turn on, not within the turn that is running). `undefined` when the store cannot tell right now
   * (e.g. inside an open transaction): callers must then not use, nor fill, any cache.
   */
  changeGeneration(): number | undefined;
}

export function hasChangeGeneration(x: unknown): x is ChangeGeneration {
  return typeof (x as Partial<ChangeGeneration> | undefined)?.changeGeneration === 'function';
}
