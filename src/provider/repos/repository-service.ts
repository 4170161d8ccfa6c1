// Repositories: creating one (the record, then its bare git repository on disk — with a first
// README commit when `auto_init` asks — then the audit event; the record goes again when a disk
// step fails), renaming it and changing its description, visibility and GitHub's settings
// (the bare repository moves first and back when the record can't change), and deleting it (the
// bare repository is moved aside first and removed only once the record and its audit event are
// committed; a failure puts it back).
import type { CreateRepositoryRequest, RepositoryVisibility, UpdateRepositoryRequest } from '../../shared/api-types';
import { audit } from '../audit/audit';
import type { Principal } from '../auth/principal';
import { auditSourceOf, Caller } from '../authz/caller';
import { requireClassicScope } from '../authz/permission-check';
import type { ProviderContext } from '../context';
import { createBareRepository, deleteBareRepository, renameBareRepository, trashBareRepository, validateRepositoryName } from '../git/bare-repos';
import { forbidden, invalidField, notFound, validationFailed } from '../http/errors';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { UniqueViolation } from '../store/errors';
import type { RepositoryRecord } from '../store/repositories';
import { withTransaction } from '../transaction';
import type { AccountOwner } from './account-owner';
import { repositoriesRoot } from './repositories-root';
import { writeReadmeCommit } from './repository-init';
import { repositoryVisibility } from './repository-json';
import type { RepositoryResourceRecord } from './repository-resource';
import { checkFixedSettings, requestedVisibility, settingsFromBody } from './repository-settings-input';

/** Creating a repository with a fine-grained token needs access to all of the owner's repositories. */
function assertCanCreate(principal: Principal, isPrivate: boolean): void {
  requireClassicScope(principal, isPrivate ? ['repo'] : ['repo', 'public_repo']);
  const t = principal.token;
  if (t?.kind === 'fine_grained' && t.repositorySelection !== 'all') {
    throw forbidden("Resource not accessible by personal access token: creating repositories needs repository_selection 'all'");
  }
}

function nameTaken(): Error {
  return validationFailed([{ resource: 'Repository', field: 'name', code: 'already_exists', message: 'name already exists on this account' }]);
}

function orgOf(owner: AccountOwner) {
  return owner.type === 'Organization' ? { org: owner.org } : {};
}

/** 422 naming `name` when it is not a valid repository name. */
function checkName(name: string): void {
  const problem = validateRepositoryName(name);
  if (problem) throw invalidField('name', problem.replace(/^repository name /, ''));
}

export async function createRepository(
  ctx: ProviderContext,
  caller: Caller,
  owner: AccountOwner,
  input: CreateRepositoryRequest,
): Promise<RepositoryRecord> {
  const { principal } = caller;
  checkName(input.name);
  checkFixedSettings(input);
  const visibility: RepositoryVisibility = requestedVisibility(input, owner.type) ?? 'public';
  const isPrivate = visibility !== 'public';
  assertCanCreate(principal, isPrivate);
  let repo: RepositoryRecord;
  try {
    repo = await ctx.store.repositories.create({
      ownerType: owner.type,
      ownerId: owner.id,
      name: input.name,
      description: input.description ?? null,
      private: isPrivate,
      settings: settingsFromBody(input, visibility),
      createdBy: principal.user.id,
      createdAt: ctx.clock.now(),
    });
  } catch (err) {
    if (err instanceof UniqueViolation) throw nameTaken();
    throw err;
  }
  let onDisk = false;
  try {
    const gitDir = await createBareRepository(repositoriesRoot(ctx), owner.login, repo.name);
    onDisk = true;
    if (input.auto_init) {
      await writeReadmeCommit(ctx, gitDir, repo, principal.user);
      repo = (await ctx.store.repositories.byId(repo.id)) ?? repo;
    }
  } catch (err) {
    if (onDisk) await deleteBareRepository(repositoriesRoot(ctx), owner.login, repo.name).catch(() => undefined);
    await ctx.store.repositories.delete(repo.id);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw nameTaken();
    throw err;
  }
  await audit(ctx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.repoCreate, {
    ...orgOf(owner),
    tokenId: principal.token?.id,
    data: { repo: `${owner.login}/${repo.name}`, visibility },
  });
  return repo;
}

/**
 * A rename's first half: the bare repository moved to the new name (nothing to move when it is
 * not on disk yet; a case-only change keeps its path). Returns how to move it back.
 */
async function moveBareRepository(ctx: ProviderContext, rec: RepositoryResourceRecord, name: string): Promise<(() => Promise<void>) | undefined> {
  const root = repositoriesRoot(ctx);
  const from = { owner: rec.owner.login, name: rec.repository.name };
  const to = { owner: rec.owner.login, name };
  try {
    await renameBareRepository(root, from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EEXIST' || code === 'ENOTEMPTY') throw nameTaken();
    throw err;
  }
  return async () => {
    await renameBareRepository(root, to, from);
  };
}

/**
 * Changes the name, description, visibility and settings (making it public or private needs the
 * full `repo` scope). A rename moves the bare repository first, then changes the record; when the
 * record cannot change (the name taken meanwhile, a database failure) the bare repository is
 * moved back. Tokens select repositories by id: a rename keeps them working.
 */
export async function updateRepository(ctx: ProviderContext, caller: Caller, rec: RepositoryResourceRecord, body: UpdateRepositoryRequest): Promise<RepositoryRecord> {
  const { name, default_branch: defaultBranch, ...settings } = body;
  checkFixedSettings(settings);
  if (defaultBranch !== undefined && defaultBranch !== rec.repository.defaultBranch) {
    throw invalidField('default_branch', `can only be '${rec.repository.defaultBranch}': Tessera doesn't change a repository's default branch`);
  }
  const renames = name !== undefined && name !== rec.repository.name;
  if (renames) {
    checkName(name);
    const other = await ctx.store.repositories.byOwnerAndName(rec.owner.type, rec.owner.id, name);
    if (other && other.id !== rec.repository.id) throw nameTaken();
  }
  const visibility = requestedVisibility(settings, rec.owner.type);
  const isPrivate = visibility === undefined ? undefined : visibility !== 'public';
  const changesVisibility = isPrivate !== undefined && isPrivate !== rec.repository.private;
  if (changesVisibility) requireClassicScope(caller.principal, ['repo']);
  const moveBack = renames ? await moveBareRepository(ctx, rec, name) : undefined;
  try {
    return await withTransaction(ctx, async (tx) => {
      const updated = await tx.store.repositories.update(rec.repository.id, {
        name: renames ? name : undefined,
        description: settings.description,
        private: isPrivate,
        settings: settingsFromBody(settings, visibility),
        updatedAt: ctx.clock.now(),
      });
      if (!updated) throw notFound(); // deleted meanwhile
      const source = auditSourceOf(caller);
      const tokenId = caller.principal.token?.id;
      const fullName = `${rec.owner.login}/${updated.name}`;
      if (renames) await audit(tx, source, ORG_AUDIT_ACTIONS.repoRename, { ...orgOf(rec.owner), tokenId, data: { repo: fullName, old_name: rec.fullName } });
      const fields = Object.keys(settings);
      if (fields.length || !renames) {
        await audit(tx, source, changesVisibility ? ORG_AUDIT_ACTIONS.repoAccess : ORG_AUDIT_ACTIONS.repoUpdate, {
          ...orgOf(rec.owner),
          tokenId,
          data: { repo: fullName, fields, visibility: repositoryVisibility(updated) },
        });
      }
      return updated;
    });
  } catch (err) {
    await moveBack?.().catch((backErr: Error) => {
      ctx.log('error', `PATCH ${rec.fullName}: the rename to ${name} failed and the bare repository could not be moved back (${backErr.message})`);
    });
    if (err instanceof UniqueViolation) throw nameTaken();
    throw err;
  }
}

export async function deleteRepository(ctx: ProviderContext, caller: Caller, rec: RepositoryResourceRecord): Promise<void> {
  // Moved aside first and removed only once the record is gone: a failure at either step leaves
  // both as they were (nothing lost, the name not blocked).
  const trashed = await trashBareRepository(repositoriesRoot(ctx), rec.owner.login, rec.repository.name);
  try {
    await withTransaction(ctx, async (tx) => {
      await tx.store.repositories.delete(rec.repository.id);
      await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.repoDestroy, { ...orgOf(rec.owner), tokenId: caller.principal.token?.id, data: { repo: rec.fullName } });
    });
  } catch (err) {
    await trashed?.restore().catch((restoreErr: Error) => {
      ctx.log('error', `DELETE ${rec.fullName}: the record could not be deleted, nor the bare repository put back (${restoreErr.message})`);
    });
    throw err;
  }
  await trashed?.purge().catch((err: Error) => ctx.log('warn', `DELETE ${rec.fullName}: the trashed bare repository stays under .trash (${err.message})`));
}
