// The Create Token form's state: what the person typed (kept in webview state across reloads), what
// the extension answered (owners, repositories), errors, and the created token (memory only).
import type { TokenJson } from '../../../src/shared/api-types';
import type { CreateTokenInit, OwnerOption, RepositoryChoice } from '../../../src/shared/webview-protocol';
import { getState, setState } from '../lib/vscode-api';
import { blankForm, isExpiryMode, type Form } from './form';

export interface CreateTokenState {
  init: CreateTokenInit | undefined;
  form: Form;
  owners: OwnerOption[];
  ownersError: string;
  repos: RepositoryChoice[];
  reposLoading: boolean;
  reposError: string;
  errors: Map<string, string[]>;
  busy: boolean;
  /** The created token, with its secret: in memory only, never in setState. */
  created: TokenJson | undefined;
  /** Whose it is (the form may move on to another account). */
  createdAccountId: string;
  /** Set when the token was regenerated or deleted since: the secret shown no longer works. */
  superseded: 'regenerated' | 'deleted' | undefined;
  /** The secret could not be kept for git (CreateTokenResult.warning). */
  createdWarning: string;
  /** Why the last Copy failed ('' when it did not). */
  copyError: string;
}

/** What the views ask for; the entry script fills these in. */
export interface Actions {
  draw(): void;
  submit(): Promise<void>;
  loadOwners(): Promise<void>;
  loadRepos(): Promise<void>;
  /** Creates a repository for the form's owner (the editor asks name and visibility) and selects it. */
  createRepository(): Promise<void>;
}

export const state: CreateTokenState = {
  init: undefined,
  form: blankForm(''),
  owners: [],
  ownersError: '',
  repos: [],
  reposLoading: false,
  reposError: '',
  errors: new Map(),
  busy: false,
  created: undefined,
  createdAccountId: '',
  superseded: undefined,
  createdWarning: '',
  copyError: '',
};

export const actions: Actions = {
  draw: () => undefined,
  submit: async () => undefined,
  loadOwners: async () => undefined,
  loadRepos: async () => undefined,
  createRepository: async () => undefined,
};

/** The form as the webview saved it before a reload (an expiry that is none of its choices: the default one). */
export function savedForm(): Form | undefined {
  const form = getState<{ form?: Form }>()?.form;
  return form && !isExpiryMode(form.expiry) ? { ...form, expiry: blankForm(form.accountId).expiry } : form;
}

export function save(): void {
  setState({ form: state.form });
}

/** The error anchors (create-token.ts ANCHORS) each form field's errors show at. */
const ERROR_ANCHORS: Record<keyof Form, readonly string[]> = {
  accountId: [],
  kind: ['kind'],
  name: ['name'],
  description: ['description'],
  expiry: ['expires_at'],
  customDate: ['expires_at'],
  scopes: ['scopes'],
  owner: ['resource_owner'],
  selection: ['repository_selection', 'repositories'],
  repos: ['repositories'],
  repoFilter: [],
  permissions: ['permissions'],
  justification: ['justification'],
};

/** Changes the form; the errors of the fields it changes go (the person is fixing them). */
export function update(patch: Partial<Form>): void {
  state.form = { ...state.form, ...patch };
  for (const key of Object.keys(patch) as (keyof Form)[]) {
    for (const anchor of ERROR_ANCHORS[key] ?? []) {
      for (const k of [...state.errors.keys()]) if (k === anchor || k.startsWith(`${anchor}.`)) state.errors.delete(k);
    }
  }
  save();
  actions.draw();
}

export function currentOwner(): OwnerOption | undefined {
  return state.owners.find((o) => o.login === state.form.owner);
}

export function repoKey(r: RepositoryChoice): string {
  return String(r.id);
}
