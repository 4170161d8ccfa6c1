// A value that is often ready at once and sometimes still to come (a cache hit or a read): the
// steps after it run in the same turn when it is ready, instead of a promise's hop per step, on
// paths every request takes (authentication on a token-cache hit, authorization).

export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`: at once when `value` is ready (a throw in `next` is thrown), else once it resolves (a throw rejects). */
export function thenMaybe<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
