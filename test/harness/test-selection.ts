// Which tests an extension-host run selects, as mocha's own command line does: `--grep PATTERN`
// (a string, or `/PATTERN/FLAGS` such as `/sign-in/i` for a case-insensitive match) and
// `-i`/`--invert` (run the tests that do NOT match). run-exthost.mjs parses its command line here
// and hands the selection to the extension host's runner (test/integration/index.ts) through the
// environment; the runner reads it back here.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface TestSelection {
  readonly grep?: string;
  readonly invert?: boolean;
}

export class SelectionError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

const SELECTION_OPTIONS = {
  grep: { type: 'string', short: 'g' },
  invert: { type: 'boolean', short: 'i', default: false },
} as const satisfies Options;

/**
 * Parses a harness command line: its own `options` plus --grep/-g and --invert/-i. Answers the
 * values and the environment that carries the selection to the extension host. Throws for an
 * unknown option and for --invert without --grep (it would run nothing).
 */
export function parseRunArgs(args: readonly string[], options: Options): { values: Record<string, string | boolean | undefined>; selection: Record<string, string> } {
  const { values } = parseArgs({ args: [...args], options: { ...options, ...SELECTION_OPTIONS }, strict: true, allowPositionals: false });
  const v = values as Record<string, string | boolean | undefined>;
  return { values: v, selection: selectionEnv({ grep: v.grep as string | undefined, invert: v.invert === true }) };
}

/** The environment that carries the selection to the extension host. */
export function selectionEnv(s: TestSelection): Record<string, string> {
  if (s.invert && !s.grep) throw new SelectionError('--invert (-i) needs --grep PATTERN: it runs the tests that do not match it.');
  return { TESSERA_TEST_GREP: s.grep ?? '', TESSERA_TEST_INVERT: s.invert ? '1' : '' };
}

/** The mocha options for the selection the environment carries (test/integration/index.ts). */
export function mochaSelection(env: NodeJS.ProcessEnv): { grep?: string; invert?: boolean } {
  const grep = env.TESSERA_TEST_GREP || undefined;
  if (!grep) return {};
  return env.TESSERA_TEST_INVERT === '1' ? { grep, invert: true } : { grep };
}
