// The failing tests of an extension-host run, named again at the very end of its output. Mocha's
// list of failures is printed inside the extension host, and the workbench's own messages as it
// stops (and the harness's) come after it, so the tail of a CI log would not say which test failed.
// The runner (test/integration/index.ts) logs one marked line with the failures once mocha ends;
// run-exthost.mjs takes that line out of the output and prints the recap after its own last lines.

const MARKER = '[tessera-failures] ';

/** One failed test (or hook): its full title and the first line of its error. */
export interface FailedTest {
  readonly title: string;
  readonly error: string;
}

export function failedTest(fullTitle: string, err: unknown): FailedTest {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const first = text.split('\n').find((l) => l.trim()) ?? '';
  return { title: fullTitle, error: first.length > 300 ? `${first.slice(0, 299)}…` : first };
}

/** The line the runner logs (nothing to log when nothing failed). */
export function failuresLine(failures: readonly FailedTest[]): string | undefined {
  return failures.length ? MARKER + JSON.stringify(failures) : undefined;
}

/** The failures a logged line carries, or undefined for any other line. */
export function parseFailuresLine(line: string): FailedTest[] | undefined {
  if (!line.startsWith(MARKER)) return undefined;
  try {
    const v: unknown = JSON.parse(line.slice(MARKER.length));
    return Array.isArray(v) ? v.filter((f): f is FailedTest => typeof f?.title === 'string' && typeof f?.error === 'string') : undefined;
  } catch {
    return undefined;
  }
}

/** The recap the harness prints last: one line per failure (not mocha's `N) ` form, which summaries count). */
export function recapLines(failures: readonly FailedTest[]): string[] {
  return [`${failures.length} failing:`, ...failures.map((f) => `  ✖ ${f.title} — ${f.error}`)];
}
