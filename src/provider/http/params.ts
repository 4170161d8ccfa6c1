// Path parameters: numeric ids that aren't → 404 (the caller can't learn anything from them).
import { notFound } from './errors';

export function idParam(value: string | undefined): number {
  if (value === undefined || !/^[1-9][0-9]{0,14}$/.test(value)) throw notFound();
  return Number(value);
}
