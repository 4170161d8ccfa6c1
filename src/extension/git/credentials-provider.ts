// Tessera's answer to git for Tessera origins: through its own credential helper
// (credential-helper/), and as vscode.git's credentials provider (askpass) where the helper is not
// configured. git hands over the URL it asks about; with `credential.useHttpPath` that URL has the
// repository path, so Tessera answers with the best token for that owner/repo
// (credential-selection.ts). For any other host (github.com, …) it answers nothing and vscode.git
// asks the next provider or the user.
import * as vscode from 'vscode';
import type { CoreServices } from '../core-services';
import type { AccountInfo } from '../services';
import { pick, type PickItem } from '../auth/quick-input';
import {
  selectCredential,
  selectForUnknownOperation,
  selectWithoutPath,
  type GitOperation,
  type RepoTarget,
  type TokenCandidate,
} from './credential-selection';
import type { Credentials, CredentialsProvider } from './git-api';
import { mintGitToken } from './git-token';
import { offerCreateForPush } from './missing-repository';
import { parseRemoteUrl } from './remote-url';
import { describeTarget, gatherCandidates } from './token-candidates';

/** git accepts any user name with a token as the password; GitHub's convention. */
const GIT_USERNAME = 'x-access-token';
/** How long after the helper's empty answer git's askpass question for the same URL is answered nothing. */
export const HELPER_MISS_MS = 60_000;

export interface CredentialChoice {
  readonly username: string;
  readonly password: string;
  readonly tokenId: number;
  readonly accountId: string;
  readonly operation: GitOperation;
  readonly target?: RepoTarget;
}

interface CredentialHooks {
  /** Called when a Tessera URL arrives without a repository path. */
  readonly onMissingPath?: (origin: string) => void;
  /** Interactive sign-in (for the create-token offer when no account is signed in there). */
  readonly signIn?: (origin: string) => Promise<AccountInfo | undefined>;
  /** The clock of the helper-miss rule (ms; Date.now unless a test sets it). */
  readonly now?: () => number;
}

export class TesseraCredentialsProvider implements CredentialsProvider {
  private readonly offers = new Map<string, Promise<TokenCandidate | undefined>>();
  private readonly creating = new Map<string, Promise<Awaited<ReturnType<typeof offerCreateForPush>>>>();
  /** Whether the create-token offer may be shown (off for non-interactive callers such as tests). */
  interactive = true;

  constructor(
    private readonly core: CoreServices,
    private readonly hooks: CredentialHooks = {},
  ) {}

  /** URLs Tessera's credential helper just had no answer for: git asks askpass next, which need not ask again. */
  private readonly helperMissed = new Map<string, number>();

  private now(): number {
    return this.hooks.now?.() ?? Date.now();
  }

  /**
   * vscode.git's askpass asks here; the operation is not known, so a push-capable token is preferred.
   * For a URL Tessera's credential helper has just answered nothing for (git asks askpass next), it
   * answers nothing at once instead of asking the person a second time.
   */
  async getCredentials(host: vscode.Uri): Promise<Credentials | undefined> {
    const url = `${host.scheme}://${host.authority.replace(/^.*@/, '')}${host.path}`;
    const missed = this.helperMissed.get(url.toLowerCase());
    this.helperMissed.delete(url.toLowerCase());
    if (missed !== undefined && this.now() - missed < HELPER_MISS_MS) return undefined;
    return this.ask(url);
  }

  /** Tessera's credential helper asks here (username and password at once, for `url` with its path). */
  async helperCredentials(url: string): Promise<Credentials | undefined> {
    const answer = await this.ask(url);
    if (!answer) this.helperMissed.set(url.toLowerCase(), this.now());
    return answer;
  }

  private async ask(url: string): Promise<Credentials | undefined> {
    try {
      const choice = await this.credentialsFor(url, 'unknown');
      if (!choice) return undefined;
      return { username: choice.username, password: choice.password };
    } catch (err) {
      // git waits for an answer: the person learns why Tessera has none (e.g. its provider is down).
      if (this.interactive) void this.core.showError(err, `git asked Tessera for a token for ${url}`);
      else this.core.log.warn(`git credentials for ${url}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /** The token for a remote URL and operation (undefined: none, or not a Tessera origin). */
  async credentialsFor(remoteUrl: string, operation: GitOperation | 'unknown'): Promise<CredentialChoice | undefined> {
    const ref = parseRemoteUrl(remoteUrl);
    if (!ref || !this.core.isTesseraOrigin(ref.origin)) return undefined;
    await this.core.providers.ensureReady(ref.origin);
    const candidates = await gatherCandidates(this.core, ref.origin);
    if (!ref.owner || !ref.repo) {
      this.hooks.onMissingPath?.(ref.origin);
      const c = selectWithoutPath(candidates);
      this.core.log.info(
        `git asked for ${ref.origin} without a repository path (credential.useHttpPath is not set)` +
          (c ? `; answering with classic token ${c.tokenId}` : '; no classic repo token to answer with'),
      );
      return c ? this.answer(c, operation === 'unknown' ? 'push' : operation) : undefined;
    }
    let target = await describeTarget(this.core, ref.origin, ref.owner, ref.repo, candidates);
    let chosen: { candidate: TokenCandidate; operation: GitOperation } | undefined;
    if (target.repoId === undefined && this.interactive) {
      // Not found with any token this window holds: offer to create it (one question per repository at a time).
      const made = await this.once(this.creating, `${ref.origin}/${ref.owner}/${ref.repo}`, () => offerCreateForPush(this.core, ref.origin, ref.owner!, ref.repo!, candidates));
      if (made) {
        target = made.target;
        if (made.token) chosen = { candidate: made.token, operation: 'push' };
      }
    }
    if (chosen) {
      // the token made for the new repository
    } else if (operation === 'unknown') chosen = selectForUnknownOperation(candidates, target);
    else {
      const c = selectCredential(candidates, target, operation);
      chosen = c ? { candidate: c, operation } : undefined;
    }
    if (!chosen && this.interactive) {
      const created = await this.offerToCreate(ref.origin, target, operation === 'fetch' ? 'fetch' : 'push');
      if (created) chosen = { candidate: created, operation: operation === 'fetch' ? 'fetch' : 'push' };
    }
    if (!chosen) {
      this.core.log.info(`git credentials for ${ref.owner}/${ref.repo} (${operation}): no suitable token among ${candidates.length}`);
      return undefined;
    }
    this.core.log.info(
      `git credentials for ${ref.owner}/${ref.repo} (${operation}${operation === 'unknown' ? ` → ${chosen.operation}` : ''}): token ${chosen.candidate.tokenId} (${chosen.candidate.kind}${chosen.candidate.name ? ` '${chosen.candidate.name}'` : ''})`,
    );
    return this.answer(chosen.candidate, chosen.operation, target);
  }

  /** One run of `fn` per key at a time: parallel callers wait for the same answer. */
  private once<T>(map: Map<string, Promise<T>>, key: string, fn: () => Promise<T>): Promise<T> {
    const k = key.toLowerCase();
    let p = map.get(k);
    if (!p) {
      p = fn().finally(() => map.delete(k));
      map.set(k, p);
    }
    return p;
  }

  private answer(c: TokenCandidate, operation: GitOperation, target?: RepoTarget): CredentialChoice {
    return { username: GIT_USERNAME, password: c.secret, tokenId: c.tokenId, accountId: c.accountId, operation, ...(target ? { target } : {}) };
  }

  private offerToCreate(origin: string, target: RepoTarget, operation: GitOperation): Promise<TokenCandidate | undefined> {
    const key = `${origin}/${target.owner}/${target.repo}`.toLowerCase();
    let p = this.offers.get(key);
    if (!p) {
      p = this.offer(origin, target, operation).finally(() => this.offers.delete(key));
      this.offers.set(key, p);
    }
    return p;
  }

  /**
   * Two clicks: "Create Token…" on the notification, then the kind of token. git asks in the
   * background: its picks take their turn (quick-input.ts), so they wait for a sign-in or prompt on
   * screen instead of replacing it.
   */
  private async offer(origin: string, target: RepoTarget, operation: GitOperation): Promise<TokenCandidate | undefined> {
    const full = `${target.owner}/${target.repo}`;
    let accounts = this.core.accounts().filter((a) => a.providerOrigin === origin);
    if (!accounts.length) {
      const choice = await vscode.window.showWarningMessage(`git needs a token for ${full} on ${origin}, and no Tessera account is signed in there.`, 'Sign In…');
      if (choice !== 'Sign In…' || !this.hooks.signIn) return undefined;
      const a = await this.hooks.signIn(origin);
      if (!a) return undefined;
      accounts = [a];
    }
    const verb = operation === 'push' ? 'push to' : 'read';
    const click1 = await vscode.window.showInformationMessage(`Tessera has no token that can ${verb} ${full}. Create one for git?`, 'Create Token…');
    if (click1 !== 'Create Token…') return undefined;
    const level = operation === 'push' ? 'write' : 'read';
    const items: PickItem<'fine' | 'classic'>[] = [
      {
        label: `$(lock) Fine-grained token for ${full}`,
        description: `contents: ${level} · expires in 30 days`,
        detail: 'Recommended: only this repository, only what git needs.',
        value: 'fine',
      },
      {
        label: '$(key) Classic token with the repo scope',
        description: 'all repositories you can access · no expiry',
        detail: target.isPublic ? 'public_repo would be enough for this public repository; repo also covers private ones.' : undefined,
        value: 'classic',
      },
    ];
    const kind = await pick('Create a token for git', items, `Which token should git use for ${full}?`);
    if (!kind) return undefined;
    const account =
      accounts.length === 1
        ? accounts[0]!
        : await pick('Create a token for git', accounts.map((a) => ({ label: a.login, description: a.providerOrigin, value: a })), 'Which account?');
    if (!account) return undefined;
    try {
      return await mintGitToken(this.core, account, target, kind, level);
    } catch (err) {
      await this.core.showError(err, `Create a token for ${full}`);
      return undefined;
    }
  }
}
