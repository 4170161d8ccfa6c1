// Ids: a path parameter that is not one answers 404 (the caller can learn nothing from it); a body id out of range is a 422.
import { notFound } from './errors';

export function idParam(value: string | undefined): number {
  if (value === undefined || !/^[1-9][0-9]{0,14}$/.test(value)) throw notFound();
  return Number(value);
}

/**
 * A record id in a body (`pat_ids`, `token_id`, …): a whole number an id column holds and a
 * JavaScript number keeps exactly (PostgreSQL's bigint takes more; a larger number is a 422 naming
 * the field, not a database error).
 */
export const ID_SCHEMA = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
