// Repositories: creating one (the record, then its bare git repository on disk — with a first
// README commit when `auto_init` asks — then the audit event; the record goes again when a disk
// step fails), renaming it and changing its description, visibility and GitHub's settings
// (the bare repository moves before the record changes, and back when it can't), and deleting it
// (the bare repository is moved aside before the record goes and removed only once the record and
// its audit event are committed; a failure puts it back). Renames and deletes hold the
// repository's lock (Store.withRepositoryLock), as does the git route when it creates a missing
// bare repository; they also wait for the pushes under way into it (409 when one still runs after
// the lock timeout) and hold new ones back (Store.withPushLock). Changes and deletes commit only while the caller still administers the
// repository (repository-access.ts): checked under the lock before anything moves on disk, so a
// refusal leaves the bare repository where it is, and again in the record's transaction.
import type { CreateRepositoryRequest, RepositoryVisibility, UpdateRepositoryRequest } from '../../shared/api-types';
import { audit } from '../audit/audit';
import type { Principal } from '../auth/principal';
import { auditSourceOf, Caller } from '../authz/caller';
import { requireClassicScope } from '../authz/permission-check';
import type { ProviderContext } from '../context';
import { createBareRepository, deleteBareRepository, isEmptyBareRepository, renameBareRepository, repositoryPath, trashBareRepository, validateRepositoryName } from '../git/bare-repos';
import { forbidden, HttpError, invalidField, notFound, validationFailed } from '../http/errors';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { assertStillRole } from '../orgs/owner-transaction';
import { PushUnderWayError, UniqueViolation } from '../store/errors';
import type { RepositoryRecord } from '../store/repositories';
import type { Store } from '../store/store';
import { withTransaction } from '../transaction';
import type { AccountOwner } from './account-owner';
import { assertStillAdmin } from './repository-access';
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

/** `gh repo create --gitignore / --license`: GitHub's templates, which Tessera does not have. */
function checkNoTemplates(input: CreateRepositoryRequest): void {
  for (const [field, what] of [['gitignore_template', '.gitignore'], ['license_template', 'license']] as const) {
    if (input[field] !== undefined) throw invalidField(field, `is not supported: Tessera has no ${what} templates (commit the file yourself)`, 'invalid', 'Repository');
  }
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
  checkNoTemplates(input);
  checkFixedSettings(input);
  const visibility: RepositoryVisibility = requestedVisibility(input, owner.type) ?? 'public';
  const isPrivate = visibility !== 'public';
  assertCanCreate(principal, isPrivate);
  let repo: RepositoryRecord;
  try {
    const record = {
      ownerType: owner.type,
      ownerId: owner.id,
      name: input.name,
      description: input.description ?? null,
      private: isPrivate,
      settings: settingsFromBody(input, visibility),
      createdBy: principal.user.id,
      createdAt: ctx.clock.now(),
    };
    // An org's repository is created only while its creator is still a member (the route checked
    // when the request arrived): read again inside the record's transaction.
    repo =
      owner.type === 'Organization'
        ? await withTransaction(ctx, async (tx) => {
            await assertStillRole(tx, owner.org, principal.user.id, 'member');
            return tx.store.repositories.create(record);
          })
        : await ctx.store.repositories.create(record);
  } catch (err) {
    if (err instanceof UniqueViolation) throw nameTaken();
    if (err instanceof PushUnderWayError) throw pushUnderWay();
    throw err;
  }
  let onDisk = false;
  try {
    // (A push may already have given it content: the git route makes a record's missing bare
    // repository, for this record, as soon as the record is there. Then it is not initialized.)
    const gitDir = await createBareRepository(repositoriesRoot(ctx), owner.login, repo.name, repo.id);
    onDisk = true;
    if (input.auto_init && (await isEmptyBareRepository(gitDir))) {
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

/** Answer to a rename or delete whose repository was renamed by someone else meanwhile. */
export const REPOSITORY_CHANGED_MESSAGE = 'The repository changed meanwhile (it was renamed): fetch it again and retry';

function changedMeanwhile(): HttpError {
  return new HttpError(409, REPOSITORY_CHANGED_MESSAGE);
}

/** Answer to a rename or delete while a git push into the repository runs (it waited the lock timeout for it). */
export const PUSH_UNDER_WAY_MESSAGE = 'A git push into the repository is under way: try again once it has ended';

function pushUnderWay(): HttpError {
  return new HttpError(409, PUSH_UNDER_WAY_MESSAGE);
}

/**
 * The record as it is now, read under the repository's lock: 404 when it is gone, 409 when it no
 * longer has the name the caller resolved (case aside: the path on disk is lower-cased).
 */
async function currentRecord(store: Store, rec: RepositoryResourceRecord): Promise<RepositoryRecord> {
  const current = await store.repositories.byId(rec.repository.id);
  if (!current) throw notFound();
  if (current.name.toLowerCase() !== rec.repository.name.toLowerCase()) throw changedMeanwhile();
  return current;
}

/**
 * A rename's first half, under the repository's lock: the bare repository moved to the new name
 * (nothing to move when it is not on disk yet; a case-only change keeps its path). Returns how to
 * undo it should the record not change: the record is read again first — a failed COMMIT may
 * have happened after all — and the bare repository goes back only if the record kept its old
 * name. When the record cannot be read through `store`, nothing moves and the undo answers false
 * (better a split than a guessed move): the caller tries again with another store or logs it.
 */
async function moveBareRepository(ctx: ProviderContext, rec: RepositoryResourceRecord, name: string): Promise<((store: Store) => Promise<boolean>) | undefined> {
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
  return async (store) => {
    let now: RepositoryRecord | undefined;
    try {
      now = await store.repositories.byId(rec.repository.id);
    } catch (err) {
      ctx.log('warn', `PATCH ${rec.fullName}: the rename to ${name} failed and its record could not be read (${(err as Error).message})`);
      return false;
    }
    if (now && now.name.toLowerCase() === name.toLowerCase()) return true; // committed after all
    await renameBareRepository(root, to, from).catch((backErr: Error) => {
      ctx.log('error', `PATCH ${rec.fullName}: the rename to ${name} failed and the bare repository could not be moved back (${backErr.message})`);
    });
    return true;
  };
}

/**
 * Changes the name, description, visibility and settings (making it public or private needs the
 * full `repo` scope). A rename holds the repository's lock (Store.withRepositoryLock) while it
 * checks the record still has the name the caller saw (else 409) and that the caller still
 * administers it (a refusal moves nothing), moves the bare repository, and
 * changes the record — only if it still has that name; when the record cannot change (the name
 * taken meanwhile, a database failure) the bare repository is moved back. Tokens select
 * repositories by id: a rename keeps them working.
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
  const change = (store: Store) =>
    withTransaction({ ...ctx, store }, async (tx) => {
      await assertStillAdmin(tx, rec, caller.principal.user);
      const updated = await tx.store.repositories.update(rec.repository.id, {
        name: renames ? name : undefined,
        currentName: renames ? rec.repository.name : undefined,
        description: settings.description,
        private: isPrivate,
        settings: settingsFromBody(settings, visibility),
        updatedAt: ctx.clock.now(),
      });
      if (!updated) throw (await tx.store.repositories.byId(rec.repository.id)) ? changedMeanwhile() : notFound();
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
  try {
    if (!renames) return await change(ctx.store);
    // Set while the bare repository is at the new name and the record may not be: undone (or
    // found committed) inside the lock, or after it when the lock's own commit failed (SQLite)
    // or the record could not be read inside it (PostgreSQL: the lock's connection ended).
    let undo: ((store: Store) => Promise<boolean>) | undefined;
    try {
      return await ctx.store.withRepositoryLock(rec.repository.id, async (store) => {
        await currentRecord(store, rec);
        // The caller first, so that a refusal moves nothing (see deleteRepository).
        await assertStillAdmin({ ...ctx, store }, rec, caller.principal.user);
        undo = await moveBareRepository(ctx, rec, name);
        try {
          const updated = await change(store);
          return updated;
        } catch (err) {
          const pending = undo;
          undo = undefined;
          if (pending && !(await pending(store))) undo = pending;
          throw err;
        }
      }, { exclusiveOfPushes: true });
    } catch (err) {
      const pending = undo;
      // The lock was lost (or its own commit failed): the bare repository goes back only under the
      // lock taken again, so that no other holder finds it half-way; failing that, it stays and
      // the log says what to do by hand.
      const putBack = pending && (await againUnderLock(ctx, rec.repository.id, pending));
      if (pending && !putBack) {
        const from = repositoryPath(repositoriesRoot(ctx), rec.owner.login, rec.repository.name);
        const to = repositoryPath(repositoriesRoot(ctx), rec.owner.login, name);
        ctx.log('error', `PATCH ${rec.fullName}: the rename to ${name} failed, its lock was lost and whether its record changed is unknown: the bare repository stays at ${to}; if the record still has the name ${rec.repository.name}, move it back to ${from} by hand`);
      }
      throw err;
    }
  } catch (err) {
    if (err instanceof UniqueViolation) throw nameTaken();
    if (err instanceof PushUnderWayError) throw pushUnderWay();
    throw err;
  }
}

/**
 * Deletes the record and its bare repository, holding the repository's lock: the bare repository
 * is found by the record's name as it is then (not the one the caller resolved: a rename may have
 * come between, the caller still means this repository), moved aside once the caller is found
 * still administering it (a refusal moves nothing) and removed only once the record and its audit
 * event are committed; a failure puts it back, unless the record is gone after all (read through
 * the request pool when the lock's connection ended as the COMMIT was sent): then it is removed.
 */
export async function deleteRepository(ctx: ProviderContext, caller: Caller, rec: RepositoryResourceRecord): Promise<void> {
  const root = repositoriesRoot(ctx);
  let trashed: Awaited<ReturnType<typeof trashBareRepository>>;
  let fullName = rec.fullName;
  let currentName = rec.repository.name;
  const restore = () =>
    trashed?.restore().catch((restoreErr: Error) => {
      ctx.log('error', `DELETE ${fullName}: the record could not be deleted, nor the bare repository put back (${restoreErr.message})`);
    });
  const purge = () => trashed?.purge().catch((err: Error) => ctx.log('warn', `DELETE ${fullName}: the trashed bare repository stays under .trash (${err.message})`));
  // Under the lock: a record still there gets its bare repository back; one gone after all (its
  // COMMIT reached the server, its answer was lost) keeps it trashed — put back, it would hold the
  // name of a repository that is gone (a new one of that name refused) — and removes it, as a
  // delete answered does. False when the record could not be read (the lock lost): nothing moved.
  const settleTrashed = async (store: Store): Promise<boolean> => {
    const there = await store.repositories.byId(rec.repository.id).then(
      (r) => r !== undefined,
      () => undefined,
    );
    if (there === undefined) return false;
    await (there ? restore() : purge());
    return true;
  };
  try {
    await ctx.store.withRepositoryLock(rec.repository.id, async (store) => {
      const current = await store.repositories.byId(rec.repository.id);
      if (!current) throw notFound();
      fullName = `${rec.owner.login}/${current.name}`;
      currentName = current.name;
      // The caller first, so that a refusal leaves the disk as it is (no git request meanwhile
      // finds the repository gone). On SQLite the lock excludes every other writer until the
      // record's transaction commits; on PostgreSQL a demotion may commit in between, which the
      // transaction's own check refuses (the repository then put back).
      await assertStillAdmin({ ...ctx, store }, rec, caller.principal.user);
      trashed = await trashBareRepository(root, rec.owner.login, current.name);
      try {
        await withTransaction({ ...ctx, store }, async (tx) => {
          await assertStillAdmin(tx, rec, caller.principal.user);
          await tx.store.repositories.delete(rec.repository.id);
          await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.repoDestroy, { ...orgOf(rec.owner), tokenId: caller.principal.token?.id, data: { repo: fullName } });
        });
      } catch (err) {
        // When the lock's store cannot read the record (its connection ended, perhaps once the
        // COMMIT had reached the server), the lock is lost: left to the catch below.
        if (await settleTrashed(store)) trashed = undefined;
        throw err;
      }
    }, { exclusiveOfPushes: true });
  } catch (err) {
    if (err instanceof PushUnderWayError) throw pushUnderWay();
    // The lock was lost or its own commit failed (SQLite) after the record's delete: settled under
    // the lock taken again, or left in .trash with the log saying so.
    if (trashed && !(await againUnderLock(ctx, rec.repository.id, settleTrashed))) {
      ctx.log('error', `DELETE ${fullName}: the delete failed, its lock was lost and whether its record was deleted is unknown: the bare repository stays in ${trashed.path}; if the record is still there, move it back to ${repositoryPath(root, rec.owner.login, currentName)} by hand`);
    }
    throw err;
  }
  await purge();
}

/**
 * Runs a put-back (`step`: true when it could read the record and settle the disk) under the
 * repository's lock taken again, after a push under way has ended; false when the lock cannot be
 * had (the database away, a push still running) or `step` could not settle.
 */
async function againUnderLock(ctx: ProviderContext, id: number, step: (store: Store) => Promise<boolean>): Promise<boolean> {
  return ctx.store.withRepositoryLock(id, step, { exclusiveOfPushes: true }).catch((err: Error) => {
    ctx.log('warn', `repository ${id}: the repository's lock could not be taken again to put its bare repository back (${err.message})`);
    return false;
  });
}
