// Strings derived from a few others by a pure function (a repository's or an account's dozens of
// API URLs from the origin and its name): made once and handed out again while they are asked for.
// A list answer carries dozens of them per item, each built by concatenation (a rope, which
// JSON.stringify must walk and copy); handed out again they are flat and allocate nothing. Bounded:
// past `max` entries the memo starts over (its keys are names that rarely change, so it refills
// with the ones still in use).
export class DerivedStrings<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly max = 10_000) {}

  /** The strings of `key`: those made for it before, else `make()`'s (which depend on nothing but what `key` names). */
  get(key: string, make: () => T): T {
    let v = this.entries.get(key);
    if (v === undefined) {
      if (this.entries.size >= this.max) this.entries.clear();
      v = make();
      this.entries.set(key, v);
    }
    return v;
  }
}
