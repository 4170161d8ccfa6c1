// `tessera migrate --from DATA_DIR --to postgres://… [--data TEAM_DIR] [--repos DIR]`: the command
// line of migrate-to-team.ts, printing what it copied.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { keyFileSource } from '../secrets/data-key';
import { ensurePrivateDirSync } from '../secrets/private-files';
import { isPostgresUrl } from '../store/postgres/url';
import { migrateToTeam, TeamMigrationOptions } from './migrate-to-team';

export const MIGRATE_USAGE = `       tessera migrate --from DATA_DIR --to postgres://USER@HOST/DB [--data TEAM_DIR] [--repos DIR]

  migrate         copies an embedded provider (stopped first) into an empty team database:
                  accounts, profiles, 2FA, tokens, organizations, approvals, audit log, deploy
                  keys, registered OAuth apps and device codes, and its bare repositories into
                  --repos (default TEAM_DIR/repositories); not lockout or rate-limit counters,
                  which start afresh. With --data, 2FA secrets are re-encrypted under
                  TEAM_DIR/secret.key (made if missing); without it the team keeps
                  DATA_DIR/secret.key.`;

function parseMigrateArgs(argv: string[], cwd: string): TeamMigrationOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, data: { type: 'string' }, repos: { type: 'string' } },
  });
  if (positionals.length) throw new Error(`unexpected ${positionals.join(' ')}\n${MIGRATE_USAGE}`);
  if (!values.from) throw new Error(`--from DATA_DIR is required\n${MIGRATE_USAGE}`);
  if (!values.to || !isPostgresUrl(values.to)) throw new Error(`--to must be a postgres:// or postgresql:// URL\n${MIGRATE_USAGE}`);
  if (!values.repos && !values.data) throw new Error(`--repos DIR (or --data TEAM_DIR) is required: where the team keeps its repositories\n${MIGRATE_USAGE}`);
  const teamDir = values.data ? path.resolve(cwd, values.data) : undefined;
  return {
    fromDataDir: path.resolve(cwd, values.from),
    toDatabaseUrl: values.to,
    reposDir: values.repos ? path.resolve(cwd, values.repos) : path.join(teamDir!, 'repositories'),
    ...(teamDir ? { teamKey: keyFileSource(teamDir), teamDir } : {}),
  };
}

export async function runMigrateCommand(argv: string[], io: { out: (line: string) => void; err: (line: string) => void }): Promise<number> {
  let opts: TeamMigrationOptions & { teamDir?: string };
  try {
    opts = parseMigrateArgs(argv, process.cwd());
  } catch (err) {
    io.err((err as Error).message);
    return 2;
  }
  try {
    if (opts.teamDir) ensurePrivateDirSync(opts.teamDir);
    const summary = await migrateToTeam(opts);
    io.out('Migrated into the team database:');
    for (const [table, n] of Object.entries(summary.rows)) io.out(`  ${table.padEnd(26)} ${n}`);
    io.out(`  ${'bare repositories'.padEnd(26)} ${summary.repositories}`);
    io.out(`  ${'2FA secrets re-encrypted'.padEnd(26)} ${summary.reencrypted}`);
    io.out('Every count matches the source.');
    return 0;
  } catch (err) {
    io.err(`tessera migrate: ${(err as Error).message}`);
    return 1;
  }
}
