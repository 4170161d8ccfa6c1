// The user code of the OAuth device flow: what a person reads on a device and types into VS Code
// or the sign-in page, `XXXX-XXXX` from 28 letters and digits that cannot be mistaken for one
// another (no vowels, 0, 1). Typed codes are normalized: any case, with or without the dash.
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ23456789';
export const USER_CODE_PATTERN = /^[BCDFGHJKLMNPQRSTVWXZ2-9]{4}-[BCDFGHJKLMNPQRSTVWXZ2-9]{4}$/;

/** The code in its canonical form (`ABCD-2345`), or undefined when it cannot be a user code. */
export function normalizeUserCode(typed: string): string | undefined {
  if (typeof typed !== 'string' || typed.length > 32) return undefined;
  const compact = typed.trim().toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== 8) return undefined;
  const code = `${compact.slice(0, 4)}-${compact.slice(4)}`;
  return USER_CODE_PATTERN.test(code) ? code : undefined;
}
