// `tessera migrate --from DATA_DIR [--to postgres://…] [--data TEAM_DIR] [--repos DIR] [--from-key FILE]`:
// the command line of migrate-to-team.ts, printing what it copied. The URL may come from
// TESSERA_DATABASE_URL instead of --to (as for `tessera serve`), which keeps its password out of argv.
import * as path from 'node:path';
import { parseCommandArgs, refuseArguments } from '../cli-args';
import { handOverEarlySignals } from '../cli-early-signals';
import { keyFileAt, keyFileSource } from '../secrets/data-key';
import { databaseUrlOption } from '../store/postgres/url';
import { MigrationInterrupted, migrateToTeam, TeamMigrationOptions } from './migrate-to-team';

export const MIGRATE_USAGE = `       tessera migrate --from DATA_DIR [--to postgres://USER@HOST/DB] [--data TEAM_DIR] [--repos DIR]
                       [--from-key FILE]

  migrate         copies an embedded provider (stopped first) into an empty team database:
                  accounts, profiles, 2FA, tokens, organizations, approvals, audit log, deploy
                  keys, registered OAuth apps and device codes, and its bare repositories into
                  --repos (default TEAM_DIR/repositories); not lockout or rate-limit counters,
                  which start afresh. The database is --to or, without it, TESSERA_DATABASE_URL
                  (keeps the password out of the command line; so do PGPASSWORD and ~/.pgpass).
                  DATA_DIR must hold tessera.db, and no provider may be running on it (VS Code
                  windows using the embedded provider closed), nor a team server on the database
                  (on any host); nothing is written to DATA_DIR. With
                  --data, 2FA secrets are re-encrypted under TEAM_DIR/secret.key (made if
                  missing); without it the team keeps the source's key (DATA_DIR/secret.key, or --from-key FILE),
                  which must exist. --from-key FILE: the source's data key (base64, as in
                  secret.key) when it is not DATA_DIR/secret.key (the extension keeps its key in
                  VS Code's secret storage). A run that fails or is interrupted (Ctrl-C) before
                  its commit is undone (the repositories folder emptied again): run it again.`;

function parseMigrateArgs(argv: string[], cwd: string, env: NodeJS.ProcessEnv): TeamMigrationOptions {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      data: { type: 'string' },
      repos: { type: 'string' },
      'from-key': { type: 'string' },
    },
  });
  if (positionals.length) throw new Error(`migrate: unexpected argument '${positionals[0]}'`);
  if (!values.from) throw new Error('--from DATA_DIR is required');
  const toDatabaseUrl = databaseUrlOption(values.to, '--to', env);
  if (!toDatabaseUrl) throw new Error('--to postgres://… (or TESSERA_DATABASE_URL) is required: the team database');
  if (!values.repos && !values.data) throw new Error('--repos DIR (or --data TEAM_DIR) is required: where the team keeps its repositories');
  const teamDir = values.data ? path.resolve(cwd, values.data) : undefined;
  return {
    fromDataDir: path.resolve(cwd, values.from),
    toDatabaseUrl,
    reposDir: values.repos ? path.resolve(cwd, values.repos) : path.join(teamDir!, 'repositories'),
    ...(teamDir ? { teamKey: keyFileSource(teamDir), teamDir } : {}),
    ...(values['from-key'] ? { sourceKey: keyFileAt(path.resolve(cwd, values['from-key'])) } : {}),
  };
}

export async function runMigrateCommand(
  argv: string[],
  io: { out: (line: string) => void; err: (line: string) => void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let opts: TeamMigrationOptions;
  try {
    opts = parseMigrateArgs(argv, process.cwd(), env);
  } catch (err) {
    return refuseArguments(io.err, 'migrate', err);
  }
  // Ctrl-C (SIGINT) or SIGTERM undoes the migration as a failure does, instead of ending the
  // process with repositories half copied into --repos (a second run would then refuse the folder).
  const interruption = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      io.err(`tessera migrate: ${signal}: still undoing the migration, please wait`);
      return;
    }
    signalled = signal;
    io.err(`tessera migrate: ${signal}: stopping; undoing what was copied`);
    interruption.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  handOverEarlySignals();
  try {
    const summary = await migrateToTeam({ ...opts, signal: interruption.signal });
    if (signalled) io.err(`tessera migrate: the ${signalled} came after the commit: the migration is complete`);
    io.out('Migrated into the team database:');
    for (const [table, n] of Object.entries(summary.rows)) io.out(`  ${table.padEnd(26)} ${n}`);
    io.out(`  ${'bare repositories'.padEnd(26)} ${summary.repositories}`);
    io.out(`  ${'2FA secrets re-encrypted'.padEnd(26)} ${summary.reencrypted}`);
    io.out('Every count matches the source.');
    return 0;
  } catch (err) {
    if (!signalled) {
      io.err(`tessera migrate: ${(err as Error).message}`);
      return 1;
    }
    if (err instanceof MigrationInterrupted) {
      io.err(
        `tessera migrate: interrupted (${signalled}): nothing was committed to the team database and the repositories ` +
          `folder ${opts.reposDir} is empty again; run the same command to start over.`,
      );
    } else {
      io.err(`tessera migrate: interrupted (${signalled}), and then: ${(err as Error).message}`);
    }
    return 128 + (signalled === 'SIGINT' ? 2 : 15);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
