// Errors a store implementation throws for conditions routes turn into 4xx answers.

/** A unique constraint was violated; `field` is the API field name (e.g. `login`, `email`, `name`). */
export class UniqueViolation extends Error {
  constructor(readonly field: string) {
    super(`${field} is already taken`);
    this.name = 'UniqueViolation';
  }
}
