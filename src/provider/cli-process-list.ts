// The process list (`ps`, /proc/PID/cmdline) is readable by every user of the host, so a database
// password given on the command line (`--db`/`--to postgres://USER:PASSWORD@…`) must not stay in
// it for the life of a server: the command's title is replaced by its arguments with the password
// masked (on Linux and macOS the title overwrites the original argv), and the command says where
// the URL belongs instead. It was still visible while the process started: only the environment
// (TESSERA_DATABASE_URL, PGPASSWORD) or ~/.pgpass keep it out of the list altogether.
import { withoutPassword } from './store/postgres/url';

const POSTGRES_URL = /postgres(?:ql)?:\/\//i;

/** `arg` (a URL, or `--db=URL`) with a PostgreSQL URL's password masked; undefined when it holds none. */
function maskedArgument(arg: string): string | undefined {
  const at = arg.search(POSTGRES_URL);
  if (at < 0) return undefined;
  const masked = withoutPassword(arg.slice(at));
  return masked === undefined ? undefined : arg.slice(0, at) + masked;
}

/** Masks database passwords in this process's title and warns through `warn`; does nothing when argv holds none. */
export function hidePasswordsFromProcessList(argv: readonly string[], warn: (line: string) => void): void {
  let found = false;
  const shown = argv.map((arg) => {
    const masked = maskedArgument(arg);
    if (masked === undefined) return arg;
    found = true;
    return masked;
  });
  if (!found) return;
  process.title = ['tessera', ...shown].join(' ');
  warn(
    'tessera: the database URL on the command line carries a password, which other users of this host can read in the ' +
      "process list (hidden from tessera's own entry now, but not while it started, nor from a launcher such as npx or a " +
      "shell script that keeps its own command line): give the URL in TESSERA_DATABASE_URL instead, " +
      'or the password in PGPASSWORD or ~/.pgpass.',
  );
}
