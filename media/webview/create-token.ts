// The "Create Token" webview (see src/extension/webviews/create-token-panel.ts). Classic: scopes
// with descriptions and hierarchy. Fine-grained: resource owner, repository selection with a
// searchable repository list, a read/write permission matrix, justification for orgs that require
// approval. Name, description, expiry presets. The new secret is shown once, kept only in memory.
import { html, render, nothing, type TemplateResult } from 'lit';
import './lib/elements';
import { call, CallError, getState, messageOf, onInit, onUpdate, ready, setState } from './lib/vscode-api';
import { errorsByAnchor } from './lib/field-errors';
import { CLASSIC_SCOPES } from '../../src/shared/classic-scopes';
import { FINE_GRAINED_PERMISSIONS, PERMISSION_GROUPS, type PermissionGroup } from '../../src/shared/fine-grained-permissions';
import type { CreateTokenInit, OwnerOption, RepositoryRef } from '../../src/extension/webviews/protocol';
import type { PersonalAccessToken } from '../../src/extension/views/api-types';
import { expiryFromDate, expiryFromPreset, expiryText, DAY_MS } from '../../src/extension/views/token-text';

type Kind = 'classic' | 'fine_grained';
type ExpiryMode = '7' | '30' | '60' | '90' | 'custom' | 'none';
type Selection = 'none' | 'all' | 'subset';

interface Form {
  accountId: string;
  kind: Kind;
  name: string;
  description: string;
  expiry: ExpiryMode;
  customDate: string;
  scopes: string[];
  owner: string;
  selection: Selection;
  repos: string[]; // keys (id or name) of selected repositories
  repoFilter: string;
  permissions: Record<string, 'read' | 'write'>; // `${group}.${name}`
  justification: string;
}

const ANCHORS = ['name', 'description', 'expires_at', 'scopes', 'resource_owner', 'repository_selection', 'repositories', 'permissions', 'justification', 'kind'];
const PERMISSION_ROWS = FINE_GRAINED_PERMISSIONS.map((p) => `permissions.${p.group}.${p.name}`);
const MAX_LISTED_REPOS = 300;

let init: CreateTokenInit | undefined;
let form: Form = blankForm('');
let owners: OwnerOption[] = [];
let ownersError = '';
let repos: RepositoryRef[] = [];
let reposLoading = false;
let reposError = '';
let errors = new Map<string, string[]>();
let busy = false;
/** The created token, with its secret: in memory only, never in setState. */
let created: PersonalAccessToken | undefined;
/** Whose it is (the form may move on to another account). */
let createdAccountId = '';
/** Set when the token was regenerated or deleted since: the secret shown no longer works. */
let superseded: 'regenerated' | 'deleted' | undefined;

function blankForm(accountId: string): Form {
  return {
    accountId,
    kind: 'fine_grained',
    name: '',
    description: '',
    expiry: '30',
    customDate: '',
    scopes: [],
    owner: '',
    selection: 'none',
    repos: [],
    repoFilter: '',
    permissions: {},
    justification: '',
  };
}

function save(): void {
  setState({ form });
}

function update(patch: Partial<Form>): void {
  form = { ...form, ...patch };
  save();
  draw();
}

const root = document.getElementById('app')!;
root.textContent = ''; // drop the static "Loading…" (lit renders next to existing children)

onInit<CreateTokenInit>((data) => {
  const first = !init;
  init = data;
  const saved = getState<{ form?: Form }>()?.form;
  if (first && saved && data.accounts.some((a) => a.id === saved.accountId) && !data.kind && !data.owner) {
    form = saved;
  } else if (first || data.kind || data.owner || data.accountId !== form.accountId) {
    if (!created) form = { ...blankForm(data.accountId), kind: data.kind ?? form.kind ?? 'fine_grained', owner: data.owner ?? '' };
  }
  root.setAttribute('aria-busy', 'false');
  draw();
  void loadOwners();
});

// Tokens changed somewhere (tree, details, another window): the receipt follows its token —
// status and expiry, or that it was regenerated or deleted — and never asks for the secret again.
onUpdate(() => {
  if (created) void refreshCreated();
});

let refreshSeq = 0;
async function refreshCreated(): Promise<void> {
  const shown = created;
  if (!shown) return;
  const seq = ++refreshSeq;
  let state: { token?: PersonalAccessToken; gone?: boolean };
  try {
    state = await call<{ token?: PersonalAccessToken; gone?: boolean }>('tokenState', { accountId: createdAccountId, tokenId: shown.id });
  } catch {
    return; // signed out or the provider is away: keep what is shown
  }
  if (created !== shown || seq !== refreshSeq) return; // the user moved on, or a newer look answers
  if (state.gone) {
    superseded = 'deleted';
  } else if (state.token) {
    if (state.token.token_last_eight !== shown.token_last_eight) superseded = 'regenerated';
    created = { ...state.token, token: shown.token };
  }
  draw();
}

async function loadOwners(): Promise<void> {
  ownersError = '';
  try {
    owners = await call<OwnerOption[]>('owners', { accountId: form.accountId });
  } catch (err) {
    owners = [];
    ownersError = messageOf(err);
  }
  if (!owners.some((o) => o.login === form.owner)) form = { ...form, owner: owners[0]?.login ?? '' };
  draw();
  if (form.selection === 'subset' || form.kind === 'fine_grained') void loadRepos();
}

let repoLoadSeq = 0;
async function loadRepos(): Promise<void> {
  const owner = currentOwner();
  if (!owner) return;
  const seq = ++repoLoadSeq;
  reposLoading = true;
  reposError = '';
  draw();
  try {
    const list = await call<RepositoryRef[]>('repos', { accountId: form.accountId, owner: owner.login, isUser: owner.isUser });
    if (seq !== repoLoadSeq) return;
    repos = list;
  } catch (err) {
    if (seq !== repoLoadSeq) return;
    repos = [];
    reposError = messageOf(err);
  }
  reposLoading = false;
  draw();
}

function currentOwner(): OwnerOption | undefined {
  return owners.find((o) => o.login === form.owner);
}

function repoKey(r: RepositoryRef): string {
  return r.id !== undefined ? String(r.id) : r.name;
}

/** The request body for POST /user/personal-access-tokens. */
function body(): Record<string, unknown> | string {
  const b: Record<string, unknown> = { name: form.name.trim() };
  if (form.description.trim()) b.description = form.description.trim();
  const now = Date.now();
  if (form.expiry === 'none') b.expires_at = null;
  else if (form.expiry === 'custom') {
    const iso = expiryFromDate(form.customDate);
    if (!iso) return 'expires_at';
    b.expires_at = iso;
  } else b.expires_at = expiryFromPreset(Number(form.expiry), now);
  if (form.kind === 'classic') {
    b.scopes = [...form.scopes];
    return b;
  }
  const owner = currentOwner();
  b.kind = 'fine_grained';
  b.resource_owner = form.owner;
  b.repository_selection = form.selection;
  if (form.selection === 'subset') {
    b.repositories = form.repos.map((k) => {
      const r = repos.find((x) => repoKey(x) === k);
      return r?.id ?? r?.name ?? k;
    });
  }
  const perms: Partial<Record<PermissionGroup, Record<string, string>>> = {};
  for (const p of FINE_GRAINED_PERMISSIONS) {
    if (!groupApplies(p.group, owner)) continue;
    const level = form.permissions[`${p.group}.${p.name}`];
    if (level) (perms[p.group] ??= {})[p.name] = level;
  }
  b.permissions = perms;
  if (owner && !owner.isUser && form.justification.trim()) b.justification = form.justification.trim();
  return b;
}

function groupApplies(group: PermissionGroup, owner: OwnerOption | undefined): boolean {
  if (group === 'organization') return !!owner && !owner.isUser;
  if (group === 'account') return !owner || owner.isUser;
  return true;
}

async function submit(): Promise<void> {
  if (busy) return;
  const b = body();
  if (typeof b === 'string') {
    errors = new Map([['expires_at', ['Enter the expiry date as YYYY-MM-DD']]]);
    draw();
    focusFirstError();
    return;
  }
  busy = true;
  errors = new Map();
  draw();
  try {
    const r = await call<{ token: PersonalAccessToken }>('create', { accountId: form.accountId, body: b });
    created = r.token;
    createdAccountId = form.accountId;
    superseded = undefined;
    form = { ...blankForm(form.accountId), kind: form.kind, owner: form.owner };
    save();
  } catch (err) {
    if (err instanceof CallError && err.kind === 'cancelled') {
      // the user cancelled a sudo prompt: nothing to say
    } else if (err instanceof CallError && err.fieldErrors.length) {
      errors = errorsByAnchor(err.fieldErrors, ANCHORS, PERMISSION_ROWS);
    } else {
      errors = new Map([['form', [messageOf(err)]]]);
    }
  }
  busy = false;
  draw();
  if (created) document.getElementById('new-token-secret')?.focus();
  else focusFirstError();
}

function focusFirstError(): void {
  requestAnimationFrame(() => {
    const first = document.querySelector<HTMLElement>('[data-invalid="true"], .form-error');
    first?.focus?.();
    first?.scrollIntoView({ block: 'center' });
  });
}

function errorFor(anchor: string): TemplateResult | typeof nothing {
  const list = errors.get(anchor);
  if (!list?.length) return nothing;
  return html`<div class="field-error" role="alert" id=${`error-${anchor}`} data-testid=${`error-${anchor}`}>${list.join(' ')}</div>`;
}

const has = (anchor: string) => errors.has(anchor);

/** The checked radio's value of a vscode-radio-group (arrow keys check without a change event). */
function groupValue(e: Event): string | undefined {
  const group = e.currentTarget as HTMLElement;
  const checked = Array.from(group.querySelectorAll<HTMLElement & { checked: boolean; value: string }>('vscode-radio')).find((r) => r.checked);
  return checked?.value;
}

// ---------------------------------------------------------------- views

function draw(): void {
  render(created ? createdView(created) : formView(), root);
}

function createdView(t: PersonalAccessToken): TemplateResult {
  const secret = t.token ?? '';
  const pending = t.status === 'pending';
  return html`
    <h1>Token created</h1>
    ${superseded
      ? html`<p class="banner info" role="status" data-testid="created-superseded">
          ${superseded === 'deleted'
            ? 'This token has since been deleted: its secret no longer works.'
            : 'This token has since been regenerated: the secret shown here no longer works (the new one was shown where it was regenerated).'}
        </p>`
      : html`<p class="banner warning" role="status">
            Copy your new personal access token now. You won’t be able to see it again — afterwards only its last eight characters are shown.
          </p>
          <div class="secret-row">
            <vscode-textfield id="new-token-secret" data-testid="new-token-secret" readonly .value=${secret} aria-label="New token secret" class="secret"></vscode-textfield>
            <vscode-button data-testid="copy-secret" @click=${() => void call('copy', { text: secret, what: 'Token' })}>Copy</vscode-button>
          </div>`}
    <dl class="props" data-testid="created-summary">
      <dt>Name</dt><dd data-testid="created-name">${t.name}</dd>
      <dt>Kind</dt><dd>${t.kind === 'fine_grained' ? 'Fine-grained' : 'Classic'}</dd>
      <dt>Expiry</dt><dd data-testid="created-expiry">${expiryText(t, Date.now())}</dd>
      <dt>Status</dt><dd data-testid="created-status">${pending ? 'pending approval by the organization’s owners' : t.status}</dd>
    </dl>
    ${pending
      ? html`<p class="banner info">This token reads public resources only until an owner of ${typeof t.resource_owner === 'string' ? t.resource_owner : t.resource_owner?.login} approves it. You will be notified.</p>`
      : nothing}
    <div class="actions">
      ${superseded === 'deleted'
        ? nothing
        : html`<vscode-button data-testid="show-details" @click=${() => void call('openDetails', { accountId: createdAccountId, tokenId: t.id })}>Show Details</vscode-button>`}
      <vscode-button secondary data-testid="create-another" @click=${() => { created = undefined; draw(); }}>Create Another Token</vscode-button>
      <vscode-button secondary data-testid="close" @click=${() => { created = undefined; void call('close'); }}>Done</vscode-button>
    </div>`;
}

const onKind = (e: Event) => {
  const v = groupValue(e) as Kind | undefined;
  if (!v || v === form.kind) return;
  update({ kind: v, expiry: v === 'fine_grained' && form.expiry === 'none' ? '30' : form.expiry });
  if (v === 'fine_grained') void loadRepos();
};
const onExpiry = (e: Event) => {
  const v = groupValue(e) as ExpiryMode | undefined;
  if (v && v !== form.expiry) update({ expiry: v });
};
const onSelection = (e: Event) => {
  const v = groupValue(e) as Selection | undefined;
  if (v && v !== form.selection) update({ selection: v });
};

function formView(): TemplateResult {
  if (!init) return html`<p class="muted">Loading…</p>`;
  const formErrors = errors.get('form');
  return html`
    <h1>New personal access token</h1>
    ${formErrors?.length
      ? html`<div class="banner error form-error" role="alert" tabindex="-1" data-testid="error-form">${formErrors.map((m) => html`<div>${m}</div>`)}</div>`
      : nothing}
    ${init.accounts.length > 1
      ? html`<section class="field">
          <vscode-label for="field-account">Account</vscode-label>
          <vscode-single-select id="field-account" data-testid="account" .value=${form.accountId}
            @change=${(e: Event) => { update({ ...blankForm((e.target as HTMLSelectElement).value), kind: form.kind }); void loadOwners(); }}>
            ${init.accounts.map((a) => html`<vscode-option value=${a.id} ?selected=${a.id === form.accountId}>${a.label}</vscode-option>`)}
          </vscode-single-select>
        </section>`
      : nothing}
    <section class="field">
      <vscode-label>Kind</vscode-label>
      <vscode-radio-group id="field-kind" data-testid="kind" aria-label="Token kind"
        @change=${onKind} @keyup=${onKind}>
        <vscode-radio name="kind" value="fine_grained" data-testid="kind-fine_grained" ?checked=${form.kind === 'fine_grained'}>Fine-grained</vscode-radio>
        <vscode-radio name="kind" value="classic" data-testid="kind-classic" ?checked=${form.kind === 'classic'}>Classic</vscode-radio>
      </vscode-radio-group>
      ${errorFor('kind')}
    </section>
    <section class="field">
      <vscode-label for="field-name" required>Token name</vscode-label>
      <vscode-textfield id="field-name" data-testid="name" .value=${form.name} placeholder="What is this token for?" maxlength="100"
        ?invalid=${has('name')} data-invalid=${has('name') ? 'true' : 'false'} aria-describedby="error-name"
        @input=${(e: Event) => update({ name: (e.target as HTMLInputElement).value })}
        @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') void submit(); }}></vscode-textfield>
      ${errorFor('name')}
    </section>
    <section class="field">
      <vscode-label for="field-description">Description</vscode-label>
      <vscode-textarea id="field-description" data-testid="description" rows="2" .value=${form.description}
        ?invalid=${has('description')} data-invalid=${has('description') ? 'true' : 'false'}
        @input=${(e: Event) => update({ description: (e.target as HTMLTextAreaElement).value })}></vscode-textarea>
      ${errorFor('description')}
    </section>
    ${expirySection()}
    ${form.kind === 'classic' ? scopesSection() : fineGrainedSections()}
    <div class="actions">
      <vscode-button data-testid="generate" ?disabled=${busy} @click=${() => void submit()}>${busy ? 'Generating…' : 'Generate Token'}</vscode-button>
      <vscode-button secondary data-testid="cancel" @click=${() => void call('close')}>Cancel</vscode-button>
      ${busy ? html`<vscode-progress-ring class="inline-ring"></vscode-progress-ring>` : nothing}
    </div>`;
}

function maxDays(): number | undefined {
  const owner = currentOwner();
  if (form.kind === 'classic') return undefined;
  const m = owner?.policy?.max_lifetime_days?.fine_grained;
  return typeof m === 'number' ? m : 366;
}

function expirySection(): TemplateResult {
  const now = Date.now();
  const max = maxDays();
  const presets: ExpiryMode[] = ['7', '30', '60', '90'];
  const allowNone = form.kind === 'classic';
  const label = (m: ExpiryMode) => `${m} days`;
  return html`
    <section class="field">
      <vscode-label>Expiration</vscode-label>
      <vscode-radio-group id="field-expires_at" data-testid="expiry" aria-label="Expiration"
        data-invalid=${has('expires_at') ? 'true' : 'false'}
        @change=${onExpiry} @keyup=${onExpiry}>
        ${presets.map((m) => html`<vscode-radio name="expiry" value=${m} data-testid=${`expiry-${m}`} ?checked=${form.expiry === m}
          ?disabled=${max !== undefined && Number(m) > max}>${label(m)}</vscode-radio>`)}
        <vscode-radio name="expiry" value="custom" data-testid="expiry-custom" ?checked=${form.expiry === 'custom'}>Custom…</vscode-radio>
        ${allowNone ? html`<vscode-radio name="expiry" value="none" data-testid="expiry-none" ?checked=${form.expiry === 'none'}>No expiration</vscode-radio>` : nothing}
      </vscode-radio-group>
      ${form.expiry === 'custom'
        ? html`<vscode-textfield type="date" id="field-custom-date" data-testid="expiry-date" aria-label="Expiry date"
            .value=${form.customDate} min=${new Date(now + DAY_MS).toISOString().slice(0, 10)}
            ?invalid=${has('expires_at')}
            @input=${(e: Event) => update({ customDate: (e.target as HTMLInputElement).value })}
            @change=${(e: Event) => update({ customDate: (e.target as HTMLInputElement).value })}></vscode-textfield>`
        : nothing}
      <vscode-form-helper>
        ${form.expiry === 'none'
          ? html`<span class="warning-text">A token without expiry stays valid until you delete it. Prefer an expiry.</span>`
          : form.expiry === 'custom'
            ? 'The token expires at the end of that day (UTC).'
            : html`The token expires on ${new Date(expiryFromPreset(Number(form.expiry), now)).toUTCString().slice(0, 16)}.`}
        ${max !== undefined ? html` ${form.owner}'s maximum: ${max} days.` : nothing}
      </vscode-form-helper>
      ${errorFor('expires_at')}
    </section>`;
}

// ---- classic scopes ----

function scopeChecked(name: string): boolean {
  return form.scopes.includes(name);
}

function impliedBy(name: string): string | undefined {
  let parent = CLASSIC_SCOPES.find((s) => s.name === name)?.parent;
  while (parent) {
    if (scopeChecked(parent)) return parent;
    parent = CLASSIC_SCOPES.find((s) => s.name === parent)?.parent;
  }
  return undefined;
}

function toggleScope(name: string, on: boolean): void {
  const set = new Set(form.scopes);
  if (on) set.add(name);
  else set.delete(name);
  update({ scopes: CLASSIC_SCOPES.map((s) => s.name).filter((s) => set.has(s)) });
}

function depth(name: string): number {
  let d = 0;
  let p = CLASSIC_SCOPES.find((s) => s.name === name)?.parent;
  while (p) {
    d++;
    p = CLASSIC_SCOPES.find((s) => s.name === p)?.parent;
  }
  return d;
}

function scopesSection(): TemplateResult {
  return html`
    <section class="field" id="field-scopes" data-invalid=${has('scopes') ? 'true' : 'false'} tabindex="-1">
      <vscode-label>Scopes</vscode-label>
      <p class="muted">Scopes define the access of a classic token. A scope includes the ones indented under it. No scope: public read-only access.</p>
      <div class="scope-list" role="group" aria-label="Scopes">
        ${CLASSIC_SCOPES.map((s) => {
          const via = impliedBy(s.name);
          return html`<div class="scope-row" data-depth=${depth(s.name)}>
            <vscode-checkbox data-testid=${`scope-${s.name}`} value=${s.name}
              ?checked=${scopeChecked(s.name) || !!via} ?disabled=${!!via}
              @change=${(e: Event) => toggleScope(s.name, (e.target as HTMLInputElement).checked)}>${s.name}</vscode-checkbox>
            <span class="scope-desc">${s.description}${via ? html` <em>(included in ${via})</em>` : nothing}</span>
          </div>`;
        })}
      </div>
      ${errorFor('scopes')}
    </section>`;
}

// ---- fine-grained ----

function fineGrainedSections(): TemplateResult {
  const owner = currentOwner();
  const needsJustification = !!owner && !owner.isUser && owner.role !== 'admin';
  const requires = owner?.policy?.require_approval;
  return html`
    <section class="field">
      <vscode-label for="field-resource_owner">Resource owner</vscode-label>
      ${ownersError ? html`<div class="field-error" role="alert">${ownersError}</div>` : nothing}
      <vscode-single-select id="field-resource_owner" data-testid="owner" .value=${form.owner}
        data-invalid=${has('resource_owner') ? 'true' : 'false'}
        @change=${(e: Event) => { const v = (e.target as HTMLSelectElement).value; if (v !== form.owner) { update({ owner: v, repos: [], permissions: {}, justification: '' }); void loadRepos(); } }}>
        ${owners.map((o) => html`<vscode-option value=${o.login} ?selected=${o.login === form.owner}>${o.login}${o.isUser ? ' (you)' : o.role === 'admin' ? ' (owner)' : ''}</vscode-option>`)}
      </vscode-single-select>
      <vscode-form-helper>The token can only reach resources of this owner (plus every public repository, read-only).</vscode-form-helper>
      ${errorFor('resource_owner')}
    </section>
    <section class="field">
      <vscode-label>Repository access</vscode-label>
      <vscode-radio-group id="field-repository_selection" data-testid="repo-selection" aria-label="Repository access"
        data-invalid=${has('repository_selection') ? 'true' : 'false'}
        @change=${onSelection} @keyup=${onSelection}>
        <vscode-radio name="selection" value="none" data-testid="repo-selection-none" ?checked=${form.selection === 'none'}>Public repositories (read-only)</vscode-radio>
        <vscode-radio name="selection" value="all" data-testid="repo-selection-all" ?checked=${form.selection === 'all'}>All repositories</vscode-radio>
        <vscode-radio name="selection" value="subset" data-testid="repo-selection-subset" ?checked=${form.selection === 'subset'}>Only select repositories</vscode-radio>
      </vscode-radio-group>
      ${errorFor('repository_selection')}
      ${form.selection === 'subset' ? repoPicker() : nothing}
    </section>
    ${permissionMatrix(owner)}
    ${owner && !owner.isUser
      ? html`<section class="field">
          <vscode-label for="field-justification" ?required=${requires === true && needsJustification}>Justification</vscode-label>
          <vscode-textarea id="field-justification" data-testid="justification" rows="3" maxlength="1024" .value=${form.justification}
            ?invalid=${has('justification')} data-invalid=${has('justification') ? 'true' : 'false'}
            placeholder="Why do you need this access?"
            @input=${(e: Event) => update({ justification: (e.target as HTMLTextAreaElement).value })}></vscode-textarea>
          <vscode-form-helper>${owner.role === 'admin'
            ? 'You own this organization: your token is approved at once.'
            : requires === false
              ? `${owner.login} does not require approval.`
              : `If ${owner.login} requires approval of fine-grained tokens, its owners read this before approving; the token stays pending until then.`}</vscode-form-helper>
          ${errorFor('justification')}
        </section>`
      : nothing}`;
}

function repoPicker(): TemplateResult {
  const q = form.repoFilter.trim().toLowerCase();
  const matches = repos.filter((r) => !q || r.name.toLowerCase().includes(q) || (r.full_name ?? '').toLowerCase().includes(q));
  const shown = matches.slice(0, MAX_LISTED_REPOS);
  const selected = new Set(form.repos);
  return html`
    <div class="repo-picker" id="field-repositories" data-invalid=${has('repositories') ? 'true' : 'false'} tabindex="-1">
      <vscode-textfield data-testid="repo-search" placeholder="Search repositories" aria-label="Search repositories" .value=${form.repoFilter}
        @input=${(e: Event) => update({ repoFilter: (e.target as HTMLInputElement).value })}></vscode-textfield>
      <div class="muted" data-testid="repo-count">${form.repos.length} selected${reposLoading ? ' · loading…' : ''}</div>
      ${reposError ? html`<div class="field-error" role="alert">${reposError}</div>` : nothing}
      <div class="repo-list" role="group" aria-label="Repositories">
        ${!reposLoading && !repos.length && !reposError ? html`<div class="muted">${form.owner} has no repositories.</div>` : nothing}
        ${shown.map((r) => html`<div class="repo-row">
          <vscode-checkbox data-testid=${`repo-${r.name}`} value=${repoKey(r)} ?checked=${selected.has(repoKey(r))}
            @change=${(e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              const set = new Set(form.repos);
              if (on) set.add(repoKey(r));
              else set.delete(repoKey(r));
              update({ repos: [...set] });
            }}>${r.name}</vscode-checkbox>
          ${r.private ? html`<vscode-badge variant="counter">private</vscode-badge>` : nothing}
        </div>`)}
        ${matches.length > shown.length ? html`<div class="muted">${matches.length - shown.length} more — refine the search</div>` : nothing}
      </div>
      ${errorFor('repositories')}
    </div>`;
}

function permissionMatrix(owner: OwnerOption | undefined): TemplateResult {
  const groups = PERMISSION_GROUPS.filter((g) => groupApplies(g, owner));
  return html`
    <section class="field" id="field-permissions" data-invalid=${has('permissions') ? 'true' : 'false'} tabindex="-1">
      <vscode-label>Permissions</vscode-label>
      ${errorFor('permissions')}
      <table class="matrix" data-testid="permission-matrix">
        <thead><tr><th scope="col">Permission</th><th scope="col">No access</th><th scope="col">Read</th><th scope="col">Write</th></tr></thead>
        ${groups.map((g) => html`<tbody>
          <tr class="group-row"><th colspan="4" scope="rowgroup">${g[0]!.toUpperCase() + g.slice(1)} permissions</th></tr>
          ${FINE_GRAINED_PERMISSIONS.filter((p) => p.group === g).map((p) => {
            const key = `${p.group}.${p.name}`;
            const row = `permissions.${key}`;
            const fixed = p.group === 'repository' && p.name === 'metadata';
            const level = fixed ? 'read' : (form.permissions[key] ?? 'none');
            const set = (v: string) => {
              const next = { ...form.permissions };
              if (v === 'read' || v === 'write') next[key] = v;
              else delete next[key];
              update({ permissions: next });
            };
            return html`<tr data-testid=${`perm-${p.group}-${p.name}`} data-invalid=${has(row) ? 'true' : 'false'}>
              <th scope="row"><div>${p.title}</div><div class="muted small">${p.description}</div>${errorFor(row)}</th>
              ${(['none', 'read', 'write'] as const).map((lv) => html`<td>
                <vscode-radio class="matrix-radio" name=${`perm-${key}`} value=${lv}
                  data-testid=${`perm-${p.group}-${p.name}-${lv}`}
                  aria-label=${`${p.title} (${g}): ${lv === 'none' ? 'no access' : lv}`}
                  .checked=${level === lv}
                  ?disabled=${fixed ? lv !== 'read' : lv !== 'none' && !p.levels.includes(lv)}
                  @change=${() => set(lv)}></vscode-radio>
              </td>`)}
            </tr>`;
          })}
        </tbody>`)}
      </table>
      <vscode-form-helper>Write includes read. Metadata (read) is always granted.</vscode-form-helper>
    </section>`;
}

draw();
ready();
