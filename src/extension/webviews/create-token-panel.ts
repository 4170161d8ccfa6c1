// The "Create Token" webview: classic (scopes) or fine-grained (owner, repositories, permission
// matrix, justification), name, description, expiry. The provider validates; its field errors go
// back to the form. The new secret goes to the webview once (never into webview state) and to the
// core's SecretStorage through services.rememberTokenSecret; when that fails, the receipt still
// shows the secret, with a warning that git will not use the token.
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';
import { TesseraError } from '../services';
import type { RepositoryJson, TokenPolicyJson } from '../../shared/api-types';
import type { CreatedTokenState, CreateTokenCall, CreateTokenInit, CreateTokenResult, OwnerOption, RepositoryChoice } from '../../shared/webview-protocol';
import { accountApi, allPages, type ProviderApi } from '../api/provider-api';
import type { OrgViewModel } from '../views/org-view-model';
import { createToken } from '../views/token-actions';
import { WebviewHost } from './webview-host';
import { CopyableTexts } from './copyable-texts';
import type { CallParams } from './call-params';

const CREATE_TOKEN_VIEW_TYPE = 'tessera.createToken';
const MAX_REPO_PAGES = 10;

export interface CreateTokenOptions {
  readonly accountId?: string;
  readonly kind?: 'classic' | 'fine_grained';
  readonly owner?: string;
}

export class CreateTokenPanel {
  private host: WebviewHost | undefined;
  private options: CreateTokenOptions = {};

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: TesseraServices,
    private readonly orgs: OrgViewModel,
    private readonly openDetails: (accountId: string, tokenId: number) => void,
  ) {}

  get panel(): vscode.WebviewPanel | undefined {
    return this.host?.panel;
  }

  show(options: CreateTokenOptions): void {
    this.options = options;
    if (this.host && !this.host.isDisposed) {
      this.host.panel.reveal();
      this.host.reinit();
      return;
    }
    const panel = vscode.window.createWebviewPanel(CREATE_TOKEN_VIEW_TYPE, 'Create Token', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      enableFindWidget: true,
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'tessera.svg');
    this.host = new WebviewHost(panel, this.extensionUri, 'create-token', this.handlers(), () => this.initData(), this.services.log);
    this.host.onDidClose(() => (this.host = undefined));
  }

  private initData(): CreateTokenInit {
    const accounts = this.services.accounts();
    const accountId = accounts.find((a) => a.id === this.options.accountId)?.id ?? accounts[0]?.id ?? '';
    return {
      accounts: accounts.map((a) => ({ id: a.id, login: a.login, label: accounts.length > 1 ? `${a.login} (${a.providerOrigin})` : a.login })),
      accountId,
      kind: this.options.kind,
      owner: this.options.owner,
      now: Date.now(),
    };
  }

  private handlers() {
    /** The new tokens' secrets this page was given to show: its Copy button copies these only. */
    const copyable = new CopyableTexts();
    return {
      owners: async (p: CallParams): Promise<OwnerOption[]> => {
        const accountId = p.string('accountId');
        const account = this.services.accounts().find((a) => a.id === accountId);
        if (!account) throw new TesseraError('signed-out', 'That account is no longer signed in.');
        const orgs = await this.orgs.orgs(accountId);
        const withPolicy = await Promise.all(
          orgs.map(async (o): Promise<OwnerOption> => {
            let policy: TokenPolicyJson | undefined;
            if (o.role === 'admin') policy = await accountApi(this.services, accountId).tokenPolicy(o.org).catch(() => undefined);
            return { login: o.org, isUser: false, role: o.role, policy };
          }),
        );
        return [{ login: account.login, isUser: true }, ...withPolicy];
      },
      repos: async (p: CallParams): Promise<RepositoryChoice[]> => {
        return this.repos(p.string('accountId'), p.string('owner'), p.boolean('isUser'));
      },
      /** tessera.createRepository for the form's owner (none known: the command asks); the new repository as the form lists it. */
      createRepository: async (p: CallParams): Promise<RepositoryChoice | undefined> => {
        const [accountId, owner] = [p.string('accountId'), p.optionalString('owner')];
        const r = await vscode.commands.executeCommand<RepositoryJson | undefined>('tessera.createRepository', { accountId, ...(owner ? { owner } : {}) });
        return r ? { id: r.id, name: r.name, full_name: r.full_name, private: r.private, owner: { login: r.owner.login } } : undefined;
      },
      create: async (p: CallParams): Promise<CreateTokenResult> => {
        const created = await createToken(this.services, p.string('accountId'), p.object<CreateTokenCall['body']>('body'));
        if (typeof created.token.token === 'string') copyable.give(created.token.token, 'the token');
        return created;
      },
      /** The created token now (no secret: GET never has it), or `gone` once it was deleted. */
      tokenState: async (p: CallParams): Promise<CreatedTokenState> => {
        const [accountId, tokenId] = [p.string('accountId'), p.id('tokenId')];
        try {
          return { token: await accountApi(this.services, accountId).token(tokenId) };
        } catch (err) {
          if (err instanceof TesseraError && err.kind === 'not-found') return { gone: true };
          throw err;
        }
      },
      copy: async (p: CallParams) => copyable.copy(p),
      openDetails: (p: CallParams) => {
        this.openDetails(p.string('accountId'), p.id('tokenId'));
      },
      close: () => this.host?.dispose(),
    };
  }

  private async repos(accountId: string, owner: string, isUser: boolean): Promise<RepositoryChoice[]> {
    const api: ProviderApi = accountApi(this.services, accountId);
    const userRepos = () => allPages((page) => api.userRepositories(page), MAX_REPO_PAGES);
    const ownedBy = (r: RepositoryJson) => r.owner.login.toLowerCase() === owner.toLowerCase();
    let list: RepositoryJson[];
    if (isUser) {
      list = (await userRepos()).filter(ownedBy);
    } else {
      try {
        list = await allPages((page) => api.orgRepositories(owner, page), MAX_REPO_PAGES);
      } catch (err) {
        if (!(err instanceof TesseraError) || err.kind !== 'not-found') throw err;
        list = (await userRepos()).filter(ownedBy);
      }
    }
    return list
      .map((r) => ({ id: r.id, name: r.name, full_name: r.full_name, private: r.private, owner: { login: r.owner.login } }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Tokens changed elsewhere: a receipt on show follows its token. */
  notifyChanged(): void {
    this.host?.update();
  }

  dispose(): void {
    this.host?.dispose();
  }
}
