// How every `tessera` command reads its options: node:util's parseArgs (strict), plus the one
// check they all share. An option given an empty value — `--tls-cert "$CERT"` or `--repos
// "$REPOS"` with the variable unset — is refused, naming the option, rather than read as not
// given: that would quietly fall back to the default (the local CA's certificate, the data
// folder's repositories) instead of what the command line asked for. And how they all refuse
// arguments: one line, then where the usage is.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * parseArgs(config); throws an Error naming the first option given an empty (or blank) value. Its
 * own refusals are said again in one line naming the option: parseArgs's run to three lines (a
 * value starting with '-') or explain positional arguments the commands do not take.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    throw new Error(parseArgsRefusal(err));
  }
  for (const [name, value] of Object.entries(parsed.values as Record<string, unknown>)) {
    const given = Array.isArray(value) ? value : [value];
    if (given.some((v) => typeof v === 'string' && v.trim() === '')) throw new Error(`--${name} needs a value (it was given an empty one)`);
  }
  return parsed;
}

/**
 * Says why the arguments were refused, as every command does: one line `tessera: PROBLEM`, then
 * `see 'tessera COMMAND --help'` (no command: the usage of all). Returns the exit code, 2. The
 * usage itself goes only to those who ask for it.
 */
export function refuseArguments(err: (line: string) => void, command: string | undefined, problem: unknown): 2 {
  err(`tessera: ${problem instanceof Error ? problem.message : String(problem)}`);
  err(`see 'tessera${command ? ` ${command}` : ''} --help'`);
  return 2;
}

/** parseArgs's refusal as one line naming the option (`-h, --help` as `--help`), or its own first line. */
function parseArgsRefusal(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  const option = /^Option '(?:-\w, )?(--[^ ']+)/.exec(message)?.[1] ?? /'(-[^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${/'[^']*'/.exec(message)?.[0] ?? ''}`.trimEnd();
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (message.includes('does not take an argument')) return `${option} takes no value`;
    if (message.includes('ambiguous')) return `${option} needs a value (one starting with '-' is written ${option}=-…)`;
    return `${option} needs a value`;
  }
  return message.split('\n')[0];
}
