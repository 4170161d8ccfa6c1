// `tessera serve` loads node:sqlite, which Node still flags with "ExperimentalWarning: SQLite is an
// experimental feature" on stderr: noise for whoever runs the server (the module is what the
// design chose, and its API is pinned by the Node version we ship). This drops that one warning
// and lets every other warning through. Imported first by the CLI, before anything loads sqlite.
type EmitWarning = typeof process.emitWarning;

const original: EmitWarning = process.emitWarning;

function warningType(warning: string | Error, rest: unknown[]): string | undefined {
  const opt = rest[0];
  if (typeof opt === 'string') return opt;
  if (opt && typeof opt === 'object' && typeof (opt as { type?: unknown }).type === 'string') return (opt as { type: string }).type;
  return typeof warning === 'string' ? undefined : warning.name;
}

export function isSqliteExperimentalWarning(warning: string | Error, ...rest: unknown[]): boolean {
  const message = typeof warning === 'string' ? warning : warning.message;
  return warningType(warning, rest) === 'ExperimentalWarning' && /\bSQLite\b/.test(message);
}

process.emitWarning = function emitWarning(this: unknown, warning: string | Error, ...rest: unknown[]) {
  if (isSqliteExperimentalWarning(warning, ...rest)) return;
  return (original as (...args: unknown[]) => void).call(process, warning, ...rest);
} as EmitWarning;
