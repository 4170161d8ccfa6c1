// GitHub's rules for a user or organization login, in one place: the provider's request schemas
// check it, and the extension states it in the prompt and checks it as the person types.

/** Letters, digits and single hyphens, not at either end, at most 39 characters. */
export const LOGIN_PATTERN = '^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$';

/** The rule in words, for prompts. */
export const LOGIN_RULE = 'letters, digits and single hyphens (not at the start or end), at most 39 characters';

/** Why `login` is not a valid login, or undefined when it is. */
export function loginProblem(login: string): string | undefined {
  if (!login) return 'Enter a login';
  if (login.length > 39) return `At most 39 characters (this one has ${login.length})`;
  if (!new RegExp(LOGIN_PATTERN).test(login)) return `Use ${LOGIN_RULE}`;
  return undefined;
}
