// The "Create Token" webview (see src/extension/webviews/create-token-panel.ts). Classic: scopes
// with descriptions and hierarchy. Fine-grained: resource owner, repository selection with a
// searchable repository list, a read/write permission matrix, justification for orgs that require
// approval. Name, description, expiry presets. The new secret is shown once, kept only in memory.
// This script wires the parts in ./create-token/ to the extension: loading, submitting, drawing.
import { render } from 'lit';
import './lib/elements';
import { call, CallError, messageOf, onInit, onUpdate, ready } from './lib/vscode-api';
import { errorsByAnchor } from './lib/field-errors';
import { watchSignIn } from './lib/sign-in';
import { FINE_GRAINED_PERMISSIONS } from '../../src/shared/fine-grained-permissions';
import type { CreatedTokenState, CreateTokenCall, CreateTokenInit, CreateTokenResult, OwnerOption, RepositoryChoice } from '../../src/shared/webview-protocol';
import { createdView } from './create-token/created-view';
import { focusFirstError } from './create-token/field-ui';
import { formView } from './create-token/form-view';
import { requestBody } from './create-token/request-body';
import { blankForm } from './create-token/form';
import { actions, currentOwner, repoKey, save, savedForm, state, update } from './create-token/state';

const ANCHORS = ['name', 'description', 'expires_at', 'scopes', 'resource_owner', 'repository_selection', 'repositories', 'permissions', 'justification', 'kind'];
const PERMISSION_ROWS = FINE_GRAINED_PERMISSIONS.map((p) => `permissions.${p.group}.${p.name}`);

const root = document.getElementById('app')!;
root.textContent = ''; // drop the static "Loading…" (lit renders next to existing children)

function draw(): void {
  render(state.created ? createdView(state.created) : formView(), root);
}

/** An init that came while the form was submitting: applied once the answer is in. */
let initAfterSubmit: CreateTokenInit | undefined;

onInit<CreateTokenInit>((data) => {
  // "Create Token" again (e.g. for another account) while a token is being made: the form and its
  // account stay as they were sent until the answer is in.
  if (state.busy) initAfterSubmit = data;
  else applyInit(data);
});

function applyInit(data: CreateTokenInit): void {
  const first = !state.init;
  state.init = data;
  const saved = savedForm();
  if (first && saved && data.accounts.some((a) => a.id === saved.accountId) && !data.kind && !data.owner) {
    state.form = saved;
  } else if (first || data.kind || data.owner || data.accountId !== state.form.accountId) {
    if (!state.created) state.form = { ...blankForm(data.accountId), kind: data.kind ?? state.form.kind ?? 'fine_grained', owner: data.owner ?? '' };
  }
  root.setAttribute('aria-busy', 'false');
  draw();
  void loadOwners();
}

// Something changed (here, in another window, the terminal, another replica): the receipt follows
// its token — status and expiry, or that it was regenerated or deleted — and never asks for the
// secret again; the form reloads its resource owners and repositories, keeping what was typed.
onUpdate(() => {
  if (state.created) void refreshCreated();
  else if (state.init) void loadOwners(true);
});

let refreshSeq = 0;
async function refreshCreated(): Promise<void> {
  const shown = state.created;
  if (!shown) return;
  const seq = ++refreshSeq;
  let answer: CreatedTokenState;
  try {
    answer = await call<CreatedTokenState>('tokenState', { accountId: state.createdAccountId, tokenId: shown.id });
  } catch {
    return; // signed out or the provider is away: keep what is shown
  }
  if (state.created !== shown || seq !== refreshSeq) return; // the user moved on, or a newer look answers
  if (answer.gone) {
    state.superseded = 'deleted';
  } else if (answer.token) {
    if (answer.token.token_last_eight !== shown.token_last_eight) state.superseded = 'regenerated';
    state.created = { ...answer.token, token: shown.token };
  }
  draw();
}

/** `quiet`: a live reload — no "loading", and a failure keeps what is shown. */
async function loadOwners(quiet = false): Promise<void> {
  if (!quiet) state.ownersError = '';
  const accountId = state.form.accountId;
  try {
    const owners = await call<OwnerOption[]>('owners', { accountId });
    if (accountId !== state.form.accountId) return; // the form moved on to another account
    state.owners = owners;
    state.ownersError = '';
  } catch (err) {
    if (quiet || accountId !== state.form.accountId) return;
    state.owners = [];
    state.ownersError = messageOf(err);
    // the form keeps its resource owner (and the repositories and permissions chosen for it): the
    // owners are not known now, which does not make the chosen one wrong
    draw();
    return;
  }
  if (!state.owners.some((o) => o.login === state.form.owner)) state.form = { ...state.form, owner: state.owners[0]?.login ?? '' };
  draw();
  if (state.form.selection === 'subset' || state.form.kind === 'fine_grained') await loadRepos(quiet);
}

let repoLoadSeq = 0;
async function loadRepos(quiet = false): Promise<void> {
  const owner = currentOwner();
  if (!owner) return;
  const seq = ++repoLoadSeq;
  if (!quiet) {
    state.reposLoading = true;
    state.reposError = '';
    draw();
  }
  try {
    const list = await call<RepositoryChoice[]>('repos', { accountId: state.form.accountId, owner: owner.login, isUser: owner.isUser });
    if (seq !== repoLoadSeq) return;
    state.repos = list;
    state.reposError = '';
  } catch (err) {
    if (seq !== repoLoadSeq || quiet) return;
    state.repos = [];
    state.reposError = messageOf(err);
  }
  state.reposLoading = false;
  draw();
}

/**
 * Creates a repository for the form's owner — also when the owners could not be loaded (the
 * provider was down): with no owner at all the command asks for one. Then the owners and
 * repositories are loaded again, with the new repository's owner chosen, and it is selected.
 */
async function createRepository(): Promise<void> {
  const owner = currentOwner()?.login ?? (state.form.owner || undefined);
  try {
    const made = await call<RepositoryChoice | undefined>('createRepository', { accountId: state.form.accountId, ...(owner ? { owner } : {}) });
    if (!made) return;
    if (currentOwner()?.login === made.owner.login) {
      await loadRepos();
    } else {
      state.form = { ...state.form, owner: made.owner.login };
      await loadOwners();
    }
    if (state.form.owner !== made.owner.login) return; // the form moved on meanwhile
    const key = repoKey(made);
    if (!state.form.repos.includes(key)) update({ selection: 'subset', repos: [...state.form.repos, key] });
  } catch (err) {
    state.reposError = messageOf(err);
    draw();
  }
}

async function submit(): Promise<void> {
  if (state.busy) return;
  const body = requestBody(state.form, currentOwner(), Date.now());
  if (typeof body === 'string') {
    state.errors = new Map([['expires_at', ['Enter the expiry date as YYYY-MM-DD']]]);
    draw();
    focusFirstError();
    return;
  }
  state.busy = true;
  state.errors = new Map();
  draw();
  // The token is the account's the form named when it was sent (the form cannot change meanwhile).
  const accountId = state.form.accountId;
  try {
    const params: CreateTokenCall = { accountId, body };
    const r = await call<CreateTokenResult>('create', params);
    state.created = r.token;
    state.createdAccountId = accountId;
    state.superseded = undefined;
    state.createdWarning = r.warning ?? '';
    state.copyError = '';
    state.form = { ...blankForm(accountId), kind: state.form.kind, owner: state.form.owner };
    save();
  } catch (err) {
    if (err instanceof CallError && err.kind === 'cancelled') {
      // the user cancelled a sudo prompt: nothing to say
    } else if (err instanceof CallError && err.fieldErrors.length) {
      state.errors = errorsByAnchor(err.fieldErrors, ANCHORS, PERMISSION_ROWS);
    } else {
      state.errors = new Map([['form', [messageOf(err)]]]);
    }
  }
  state.busy = false;
  draw();
  if (state.created) document.getElementById('new-token-secret')?.focus();
  else focusFirstError();
  const later = initAfterSubmit;
  initAfterSubmit = undefined;
  if (later) applyInit(later);
}

Object.assign(actions, { draw, submit, loadOwners: () => loadOwners(), loadRepos: () => loadRepos(), createRepository });
watchSignIn(draw);

draw();
ready();
