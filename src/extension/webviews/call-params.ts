// A webview call's parameters, checked before use: a webview's script is ours, but what it sends
// is still input, and a wrong shape must be refused (a 'validation' error naming the field), never
// acted on with a value the handler did not expect.
import { expiryFromDate, MAX_TOKEN_LIFETIME_DAYS } from '../../shared/token-text';
import type { ExpiryChoice } from '../../shared/webview-protocol';
import { TesseraError } from '../services';

export class CallParams {
  private readonly o: Record<string, unknown>;

  constructor(
    private readonly method: string,
    params: unknown,
  ) {
    if (params !== undefined && params !== null && (typeof params !== 'object' || Array.isArray(params))) throw this.invalid('params', 'an object');
    this.o = (params ?? {}) as Record<string, unknown>;
  }

  private invalid(field: string, what: string): TesseraError {
    return new TesseraError('validation', `${this.method}: ${field} must be ${what}`, { fieldErrors: [{ field, message: `must be ${what}` }] });
  }

  string(field: string): string {
    const v = this.o[field];
    if (typeof v !== 'string') throw this.invalid(field, 'a string');
    return v;
  }

  /** A string that is one of `allowed`'s keys; when it is not, the refusal says it must be `what`. */
  oneOf(field: string, allowed: ReadonlyMap<string, unknown>, what: string): string {
    const v = this.string(field);
    if (!allowed.has(v)) throw this.invalid(field, what);
    return v;
  }

  optionalString(field: string): string | undefined {
    return this.o[field] === undefined ? undefined : this.string(field);
  }

  id(field: string): number {
    const v = this.o[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw this.invalid(field, 'a positive integer');
    return v;
  }

  boolean(field: string): boolean {
    const v = this.o[field];
    if (typeof v !== 'boolean') throw this.invalid(field, 'true or false');
    return v;
  }

  /** An object passed on as a request body (the provider checks its fields and names any it refuses). */
  object<T>(field: string): T {
    const v = this.o[field];
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw this.invalid(field, 'an object');
    return v as T;
  }

  /**
   * An expiry choice: days within the longest lifetime (1–366), a calendar date, none or keep. How
   * far a date may be is the provider's to say (a 422 naming expires_at); a day count out of range
   * is refused here, before it becomes a date that cannot be written.
   */
  expiry(field: string): ExpiryChoice {
    const v = this.o[field] as { mode?: unknown; days?: unknown; date?: unknown } | undefined;
    const what = `an expiry: { mode: 'days', days: 1 to ${MAX_TOKEN_LIFETIME_DAYS} }, { mode: 'date', date: YYYY-MM-DD }, { mode: 'none' } or { mode: 'keep' }`;
    if (!v || typeof v !== 'object') throw this.invalid(field, what);
    if (v.mode === 'none' || v.mode === 'keep') return { mode: v.mode };
    if (v.mode === 'days' && typeof v.days === 'number' && Number.isInteger(v.days) && v.days >= 1 && v.days <= MAX_TOKEN_LIFETIME_DAYS) return { mode: 'days', days: v.days };
    if (v.mode === 'date' && typeof v.date === 'string' && expiryFromDate(v.date) !== undefined) return { mode: 'date', date: v.date };
    throw this.invalid(field, what);
  }
}
