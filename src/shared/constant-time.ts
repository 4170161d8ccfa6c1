// String comparison whose time depends on the lengths only, for values an attacker may probe.

/**
 * Whether two strings are equal, comparing every character of `a` without an early exit. Strings
 * of different lengths are unequal at once (lengths here are public: formats fix them).
 */
export function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
