// The audit log's entries as a reader sees them: the one place that decides who is shown an
// event's `actor_ip` (the address the actor acted from). As on GitHub, it is shown to the actor
// themselves and to the owners of the event's organization; anyone else reading an event about them
// (a member invited, removed, a token request reviewed by an owner) gets the entry without it. An
// event without a known actor (a sign-in attempt, a leaked token reported anonymously, the provider
// itself) has no other person's address to hide. `token_id` stays: in Tessera's log it is often the
// token the event is about (a reviewed request's token, which its requester's Token Details lists),
// and an id is no secret.
import type { AuditEventJson } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { activeRole } from '../orgs/org-roles';
import type { AuditEventRecord } from '../store/audit';
import { auditEventJson } from './audit-log';

/** Who reads the entries: a user, and the organization they are already known to own (the org audit log's guard checked it). */
export interface AuditReader {
  userId: number | null;
  ownerOfOrgId?: number;
}

/** The events in GitHub's entry shape, without another person's `actor_ip` unless the reader owns the event's org. */
export async function auditEntriesFor(ctx: ProviderContext, events: readonly AuditEventRecord[], reader: AuditReader): Promise<AuditEventJson[]> {
  const owns = new Map<number, Promise<boolean>>();
  const ownsOrg = (orgId: number): Promise<boolean> => {
    if (orgId === reader.ownerOfOrgId) return Promise.resolve(true);
    if (reader.userId === null) return Promise.resolve(false);
    const userId = reader.userId;
    let known = owns.get(orgId);
    if (!known) owns.set(orgId, (known = activeRole(ctx, orgId, userId).then((role) => role === 'owner')));
    return known;
  };
  return Promise.all(
    events.map(async (e) => {
      const entry = auditEventJson(e);
      if (e.actorId === null || e.actorId === reader.userId) return entry;
      if (e.orgId !== null && (await ownsOrg(e.orgId))) return entry;
      delete entry.actor_ip;
      return entry;
    }),
  );
}
