// Deploy keys of a repository: listing, reading, adding (the key parsed, its comment standing in
// for a missing title, the adding token recorded) and removing them; each change commits together
// with its audit event, and only while the caller still administers the repository.
import { audit } from '../audit/audit';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { invalidField, notFound, validationFailed } from '../http/errors';
import { listPage, type Page } from '../http/pagination';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import type { DeployKeyRecord } from '../store/deploy-keys';
import { UniqueViolation } from '../store/errors';
import { withTransaction } from '../transaction';
import { parseDeployKey } from './deploy-key-format';
import { assertStillAdmin } from './repository-access';
import type { RepositoryResourceRecord } from './repository-resource';

export interface NewDeployKey {
  title?: string;
  key: string;
  read_only?: boolean;
}

function orgOf(rec: RepositoryResourceRecord) {
  return rec.owner.type === 'Organization' ? { org: rec.owner.org } : {};
}

export async function listDeployKeys(ctx: ProviderContext, rec: RepositoryResourceRecord, page: Page): Promise<{ keys: DeployKeyRecord[]; total: number }> {
  const { items, total } = await listPage(page, (window) => ctx.store.deployKeys.list(rec.repository.id, window), () => ctx.store.deployKeys.count(rec.repository.id));
  return { keys: items, total };
}

export async function readDeployKey(ctx: ProviderContext, rec: RepositoryResourceRecord, id: number): Promise<DeployKeyRecord> {
  const key = await ctx.store.deployKeys.byId(rec.repository.id, id);
  if (!key) throw notFound();
  return key;
}

export async function addDeployKey(ctx: ProviderContext, caller: Caller, rec: RepositoryResourceRecord, input: NewDeployKey): Promise<DeployKeyRecord> {
  const { principal } = caller;
  const parsed = parseDeployKey(input.key);
  if ('error' in parsed) throw invalidField('key', parsed.error);
  const comment = input.key.trim().split(/\s+/).slice(2).join(' ');
  return withTransaction(ctx, async (tx) => {
    await assertStillAdmin(tx, rec, principal.user);
    let key: DeployKeyRecord;
    try {
      key = await tx.store.deployKeys.create({
        repositoryId: rec.repository.id,
        // The key's comment stands in for a missing title, cut to the title's own limit.
        title: (input.title ?? comment.slice(0, 255)).trim() || 'deploy key',
        key: parsed.key,
        readOnly: input.read_only ?? true,
        addedBy: principal.user.id,
        tokenId: principal.token?.id ?? null,
        createdAt: ctx.clock.now(),
      });
    } catch (err) {
      if (err instanceof UniqueViolation) throw validationFailed([{ resource: 'PublicKey', field: 'key', code: 'custom', message: 'key is already in use' }]);
      throw err;
    }
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.deployKeyCreate, {
      ...orgOf(rec),
      tokenId: principal.token?.id,
      data: { repo: rec.fullName, deploy_key_id: key.id, title: key.title, read_only: key.readOnly },
    });
    return key;
  });
}

export async function removeDeployKey(ctx: ProviderContext, caller: Caller, rec: RepositoryResourceRecord, id: number): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    await assertStillAdmin(tx, rec, caller.principal.user);
    const key = await tx.store.deployKeys.byId(rec.repository.id, id);
    if (!key || !(await tx.store.deployKeys.delete(rec.repository.id, id))) throw notFound();
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.deployKeyDelete, {
      ...orgOf(rec),
      tokenId: caller.principal.token?.id,
      data: { repo: rec.fullName, deploy_key_id: key.id, title: key.title },
    });
  });
}
