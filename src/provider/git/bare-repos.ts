// The provider's repositories on disk: one bare repository per repository, at
// `{root}/{owner}/{name}.git` (names lower-cased: owners and repositories are case-insensitive,
// as on GitHub). Names are validated so that no path can leave the root.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPOSITORIES_FOLDER } from '../data-folder-names';
import { repositoryNameProblem } from '../../shared/repository-names';
import { PRIVATE_DIR_MODE } from '../secrets/private-files';
import { gitReadSlots } from './git-read-slots';

/** Where the provider keeps its repositories inside its data folder. */
export function defaultRepositoriesRoot(dataDir: string): string {
  return path.resolve(dataDir, REPOSITORIES_FOLDER);
}

export class InvalidRepositoryNameError extends Error {
  constructor(
    readonly field: 'owner' | 'name',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidRepositoryNameError';
  }
}

/** undefined when `owner` is a valid owner login for a repository path, else why not. */
export function validateOwnerName(owner: string): string | undefined {
  return repositoryNameProblem('owner', owner);
}

/** undefined when `name` is a valid repository name, else why not. */
export function validateRepositoryName(name: string): string | undefined {
  return repositoryNameProblem('name', name);
}

function assertNames(owner: string, name: string): void {
  const ownerProblem = validateOwnerName(owner);
  if (ownerProblem) throw new InvalidRepositoryNameError('owner', ownerProblem);
  const nameProblem = validateRepositoryName(name);
  if (nameProblem) throw new InvalidRepositoryNameError('name', nameProblem);
}

/** The path segment of a repository below the root: `owner/name.git`, lower-cased. */
function repositoryRelativePath(owner: string, name: string): string {
  assertNames(owner, name);
  return `${owner.toLowerCase()}/${name.toLowerCase()}.git`;
}

/** Absolute path of the bare repository (whether or not it exists). Throws on an invalid name. */
export function repositoryPath(root: string, owner: string, name: string): string {
  const base = path.resolve(root);
  const full = path.join(base, ...repositoryRelativePath(owner, name).split('/'));
  // Belt and braces: validation already excludes separators and '..'.
  if (path.dirname(path.dirname(full)) !== base) throw new InvalidRepositoryNameError('name', 'repository path escapes the root');
  return full;
}

/**
 * The PATH_INFO for `git http-backend` (with GIT_PROJECT_ROOT = root) for a request on this
 * repository, e.g. gitPathInfo('Acme', 'Site', '/info/refs') = '/acme/site.git/info/refs'.
 */
export function gitPathInfo(owner: string, name: string, subPath: string): string {
  if (!/^\/(info\/refs|git-upload-pack|git-receive-pack)$/.test(subPath)) {
    throw new Error(`not a smart HTTP path: ${subPath}`);
  }
  return `/${repositoryRelativePath(owner, name)}${subPath}`;
}

/**
 * Environment for every git the provider runs on its own repositories (git http-backend and the
 * plumbing): the one place that decides what git reads besides the repository itself. No caller
 * GIT_* variable leaks in (GIT_DIR, GIT_CONFIG_PARAMETERS, GIT_EXEC_PATH, … could redirect it), and
 * no configuration but the repository's own: not /etc/gitconfig or the system attributes, not the
 * service account's ~/.gitconfig or $XDG_CONFIG_HOME/git/config (HOME is not passed on, and
 * GIT_CONFIG_GLOBAL names an empty file), whose core.hooksPath, receive.* or safe.directory would
 * otherwise change what a push does. `extra` (the caller's own settings) is added last.
 */
export function gitCommandEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/** One git command, in a slot of the provider's bound on git commands (a burst of creations queues there too). */
function git(args: string[], cwd?: string): Promise<string> {
  return gitReadSlots.run(() => new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: gitCommandEnv(), maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`git ${args[0]} failed: ${(stderr || err.message).trim()}`));
      } else {
        resolve(stdout);
      }
    });
  }));
}

/** Repository settings of a new repository: pushes over HTTP allowed, as on GitHub. */
const REPOSITORY_CONFIG: Array<[string, string]> = [
  ['http.receivepack', 'true'],
  ['receive.denyNonFastForwards', 'false'],
  ['receive.denyDeletes', 'false'],
  ['uploadpack.allowFilter', 'true'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
];

async function exists(p: string): Promise<boolean> {
  return fsp.stat(p).then(
    () => true,
    () => false,
  );
}

/** Whether `dir` is a bare repository of its own with no refs yet. */
export async function isEmptyBareRepository(dir: string): Promise<boolean> {
  try {
    const isBare = (await git(['rev-parse', '--is-bare-repository'], dir)).trim() === 'true';
    if (!isBare) return false;
    // Compare the real paths: a stray directory inside some other repository would answer for that one.
    const gitDir = (await git(['rev-parse', '--absolute-git-dir'], dir)).trim();
    if ((await fsp.realpath(gitDir)) !== (await fsp.realpath(dir))) return false;
    return (await git(['for-each-ref', '--count=1'], dir)).trim() === '';
  } catch {
    return false;
  }
}

/** The git config key naming the repository record a bare repository was made for. */
const RECORD_ID_KEY = 'tessera.repositoryid';

/** Whether the bare repository at `dir` was made for record `repositoryId` (read from its own config file only). */
async function madeFor(dir: string, repositoryId: number | undefined): Promise<boolean> {
  if (repositoryId === undefined) return false;
  try {
    return (await git(['config', '--file', path.join(dir, 'config'), '--get', RECORD_ID_KEY])).trim() === String(repositoryId);
  } catch {
    return false;
  }
}

/**
 * Makes an empty bare repository with default branch `main` and returns its absolute path.
 * It appears atomically (made beside it and renamed into place). `repositoryId`: the record it is
 * made for, kept in its config. If an empty bare repository is already there (left by an earlier
 * attempt), or one made for the same record (the git route makes a record's missing bare
 * repository, and a push may have filled it, while the record's creation is still under way), it
 * is reused; anything else there is an error with code 'EEXIST'.
 */
export async function createBareRepository(root: string, owner: string, name: string, repositoryId?: number): Promise<string> {
  const target = repositoryPath(root, owner, name);
  const parent = path.dirname(target);
  await fsp.mkdir(parent, { recursive: true, mode: PRIVATE_DIR_MODE });
  const reusable = async () => (await isEmptyBareRepository(target)) || (await madeFor(target, repositoryId));
  if (await exists(target)) {
    if (await reusable()) return target;
    throw Object.assign(new Error(`a repository already exists at ${owner}/${name}`), { code: 'EEXIST' });
  }
  const staging = path.join(parent, `.new-${crypto.randomBytes(8).toString('hex')}`);
  try {
    // --template= : no hooks or other files from a user's init.templateDir reach server repositories.
    // --shared=0600: git makes every file it writes here (also on push) its owner's only, whatever the umask.
    await git(['init', '--quiet', '--bare', '--initial-branch=main', '--template=', '--shared=0600', staging]);
    for (const [key, value] of REPOSITORY_CONFIG) await git(['config', key, value], staging);
    if (repositoryId !== undefined) await git(['config', RECORD_ID_KEY, String(repositoryId)], staging);
    await fsp.mkdir(path.join(staging, 'info'), { recursive: true, mode: PRIVATE_DIR_MODE });
    await fsp.rename(staging, target);
  } catch (err) {
    await fsp.rm(staging, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') {
      // Someone made it at the same moment.
      if (await reusable()) return target;
      throw Object.assign(new Error(`a repository already exists at ${owner}/${name}`), { code: 'EEXIST' });
    }
    throw err;
  }
  return target;
}

/** Points the bare repository's HEAD (what a clone checks out) at `branch`. */
export async function setBareHead(gitDir: string, branch: string): Promise<void> {
  await git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], gitDir);
}

/** Whether the bare repository exists on disk. */
export async function bareRepositoryExists(root: string, owner: string, name: string): Promise<boolean> {
  return exists(path.join(repositoryPath(root, owner, name), 'HEAD'));
}

/** A bare repository moved aside into `<root>/.trash` (see trashBareRepository). */
interface TrashedRepository {
  /** Where it is meanwhile. */
  readonly path: string;
  /** Puts it back where it was (the deletion it was moved aside for did not happen). */
  restore(): Promise<void>;
  /** Removes it for good. */
  purge(): Promise<void>;
}

/**
 * The first half of deleting a repository: one rename into `<root>/.trash`, so the repository is
 * gone from its name at once but nothing is lost until purge(). undefined when there is no bare
 * repository on disk. A failure leaves the repository where it was.
 */
export async function trashBareRepository(root: string, owner: string, name: string): Promise<TrashedRepository | undefined> {
  const target = repositoryPath(root, owner, name);
  const trash = path.join(path.resolve(root), '.trash');
  await fsp.mkdir(trash, { recursive: true, mode: PRIVATE_DIR_MODE });
  const moved = path.join(trash, crypto.randomBytes(8).toString('hex'));
  try {
    await fsp.rename(target, moved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return {
    path: moved,
    async restore() {
      await fsp.mkdir(path.dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
      await fsp.rename(moved, target);
    },
    purge: () => fsp.rm(moved, { recursive: true, force: true }),
  };
}

/**
 * Deletes the bare repository (no error when it is not there). It is first moved out of the way
 * so that a request running at that moment or a new repository of the same name never sees half of it.
 */
export async function deleteBareRepository(root: string, owner: string, name: string): Promise<void> {
  await (await trashBareRepository(root, owner, name))?.purge();
}

/** Moves a repository to a new owner and/or name (rename or transfer). */
export async function renameBareRepository(
  root: string,
  from: { owner: string; name: string },
  to: { owner: string; name: string },
): Promise<string> {
  const source = repositoryPath(root, from.owner, from.name);
  const target = repositoryPath(root, to.owner, to.name);
  if (source === target) return target;
  if (await exists(target)) throw Object.assign(new Error(`a repository already exists at ${to.owner}/${to.name}`), { code: 'EEXIST' });
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
  await fsp.rename(source, target);
  return target;
}
