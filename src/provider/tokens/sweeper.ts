// Revokes tokens unused for 365 days (never used: counted from creation), and forgets the API
// rate-limit counts of ended windows and the sign-in counts no longer in force. Runs at start and then every `intervalMs`; reads time from
// the provider's clock so tests can move it. One sweep at a time across replicas
// (Store.runExclusive), and the revocations commit with their audit events in one transaction, so
// a token is revoked, and its event written, once.
import { cancelRequestsOfRevoked } from '../approvals/approval-service';
import { DAY } from '../clock';
import type { ProviderContext } from '../context';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import { pruneSignInFailures } from '../auth/lockout';
import { pruneRateLimits } from '../http/api-rate-limit';
import { withTransaction } from '../transaction';

const SWEEP_JOB = 'unused-token-sweeper';

const UNUSED_TOKEN_MAX_AGE_MS = 365 * DAY;
export const DEFAULT_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const UNUSED_REVOKE_REASON = 'Revoked automatically: unused for 365 days';

async function sweepUnusedTokens(ctx: ProviderContext): Promise<number> {
  const revoked = await ctx.store.runExclusive(SWEEP_JOB, () =>
    withTransaction(ctx, async (tx) => {
      const now = tx.clock.now();
      const tokens = await tx.store.tokens.revokeUnusedSince(new Date(now.getTime() - UNUSED_TOKEN_MAX_AGE_MS), now, UNUSED_REVOKE_REASON);
      for (const t of tokens) {
        const user = await tx.store.users.byId(t.userId);
        await audit(tx, {}, AUDIT_ACTIONS.patAutoRevoked, {
          user,
          tokenId: t.id,
          data: { token_name: t.note, kind: t.kind, token_last_eight: t.tokenLastEight, reason: 'unused_365_days' },
        });
      }
      await cancelRequestsOfRevoked(tx, tokens);
      return tokens.length;
    }),
  );
  if (revoked) ctx.log('info', `sweeper: revoked ${revoked} token(s) unused for 365 days`);
  return revoked ?? 0;
}

interface Sweeper {
  stop(): Promise<void>;
}

export function startSweeper(ctx: ProviderContext, intervalMs: number): Sweeper {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    if (stopped) return;
    running = sweepUnusedTokens(ctx)
      .then(() => pruneRateLimits(ctx))
      .then(() => pruneSignInFailures(ctx))
      .catch((err) => ctx.log('error', `sweeper: ${(err as Error).message}`));
  };
  run();
  const timer = setInterval(run, Math.max(10, intervalMs));
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
