// Errors a store implementation throws for conditions routes turn into 4xx answers.

/** A unique constraint was violated; `field` is the API field name (e.g. `login`, `email`, `name`). */
export class UniqueViolation extends Error {
  constructor(readonly field: string) {
    super(`${field} is already taken`);
    this.name = 'UniqueViolation';
  }
}

/**
 * A rename or delete (Store.withRepositoryLock with `exclusiveOfPushes`) found a git push into the
 * repository still under way after waiting the store's lock timeout: nothing was done.
 */
export class PushUnderWayError extends Error {
  constructor(readonly repositoryId: number) {
    super(`a git push into repository ${repositoryId} is under way`);
    this.name = 'PushUnderWayError';
  }
}
