// Small matchers shared by the UI helper modules (test/ui/workbench*.ts).

export const DEFAULT_TIMEOUT = 20_000;

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exact text (a string) or a pattern. */
export function textMatcher(text: string | RegExp): RegExp {
  return typeof text === 'string' ? new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) : text;
}
