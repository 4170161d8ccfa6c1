// The "Token details" webview (see src/extension/webviews/token-details-panel.ts): every property
// of one token (never its secret), scopes or permissions, repositories, its audit events;
// regenerate (the new secret shown once, in memory only), change expiry, delete.
import { html, render, nothing, type TemplateResult } from 'lit';
import './lib/elements';
import { call, CallError, messageOf, onInit, onUpdate, ready } from './lib/vscode-api';
import { copyText } from './lib/copy';
import { signInBanner, watchSignIn } from './lib/sign-in';
import type { ExpiryChoice, NewSecret, TokenDetailsData, TokenDetailsInit, TokenDetailsUpdate } from '../../src/shared/webview-protocol';
import type { TokenJson } from '../../src/shared/api-types';
import { denialReason, expiryText, formatDate, isExpired, isExpiringSoon, kindLabel, lastUsedText, permissionEntries, permissionTitle, scopeSummary, stateText, DAY_MS } from '../../src/shared/token-text';
import { CLASSIC_SCOPES } from '../../src/shared/classic-scopes';

type Mode = 'keep' | '7' | '30' | '60' | '90' | 'custom' | 'none';

let init: TokenDetailsInit | undefined;
let data: TokenDetailsData | undefined;
let loadError = '';
let loading = false;
/** A new secret (after regenerate): memory only, never setState. */
let secret: NewSecret | undefined;
/** The secret shown here was replaced since (regenerated elsewhere): it no longer works. */
let secretSuperseded = false;
let loadSeq = 0;
/** The first load that started after the secret came: only its answer, or a later one's, can show it replaced. */
let secretSeenFrom = 0;
/** Why the last Copy of the secret failed ('' when it did not). */
let copyError = '';
let busy: '' | 'regenerate' | 'expiry' | 'delete' = '';
let actionError: { where: string; message: string } | undefined;
let regenMode: Mode = 'keep';
let regenDate = '';
let expiryMode: Mode = '30';
let expiryDate = '';
let deleted = false;

const root = document.getElementById('app')!;
root.textContent = ''; // drop the static "Loading…" (lit renders next to existing children)

function showSecret(s: NewSecret): void {
  secret = s;
  secretSuperseded = false;
  secretSeenFrom = loadSeq + 1;
}

onInit<TokenDetailsInit>((d) => {
  init = d;
  if (d.secret) showSecret(d.secret);
  root.setAttribute('aria-busy', 'false');
  void load();
});

onUpdate<TokenDetailsUpdate | undefined>((u) => {
  if (u?.secret) showSecret(u.secret);
  void load();
});

async function load(): Promise<void> {
  const seq = ++loadSeq;
  loading = true;
  draw();
  try {
    data = await call<TokenDetailsData>('load');
    loadError = '';
    const t = data.token;
    // Regenerated elsewhere since the secret came (another window, the terminal): it no longer works.
    if (secret && t && seq >= secretSeenFrom && t.token_last_eight !== secret.lastEight) {
      secret = undefined;
      secretSuperseded = true;
      copyError = '';
    }
    if (t && (isExpired(t, Date.now()) || t.status !== 'active') && regenMode === 'keep') regenMode = '30';
  } catch (err) {
    loadError = messageOf(err);
  }
  loading = false;
  draw();
}

function choice(mode: Mode, date: string): ExpiryChoice | string {
  if (mode === 'keep') return { mode: 'keep' };
  if (mode === 'none') return { mode: 'none' };
  if (mode === 'custom') return /^\d{4}-\d{2}-\d{2}$/.test(date) ? { mode: 'date', date } : 'Enter the date as YYYY-MM-DD';
  return { mode: 'days', days: Number(mode) };
}

async function act(where: 'regenerate' | 'expiry' | 'delete'): Promise<void> {
  if (busy) return;
  actionError = undefined;
  let params: unknown = {};
  if (where !== 'delete') {
    const c = where === 'regenerate' ? choice(regenMode, regenDate) : choice(expiryMode, expiryDate);
    if (typeof c === 'string') {
      actionError = { where, message: c };
      draw();
      return;
    }
    params = { expiry: c };
  }
  busy = where;
  draw();
  try {
    if (where === 'regenerate') {
      const r = await call<{ token?: TokenJson; cancelled?: boolean }>('regenerate', params);
      if (r.token?.token) showSecret({ secret: r.token.token, lastEight: r.token.token_last_eight });
    } else if (where === 'expiry') {
      await call('changeExpiry', params);
    } else {
      const r = await call<{ deleted: boolean }>('delete');
      if (r.deleted) deleted = true;
    }
  } catch (err) {
    if (!(err instanceof CallError && err.kind === 'cancelled')) {
      const fe = err instanceof CallError ? err.fieldErrors : [];
      actionError = { where, message: fe.length ? fe.map((f) => `${f.field}: ${f.message}`).join(' ') : messageOf(err) };
    }
  }
  busy = '';
  draw();
  if (secret) document.getElementById('regenerated-secret')?.focus();
}

function draw(): void {
  render(view(), root);
}

/** The person changed an action's input: its error goes. */
function fixed(where: 'regenerate' | 'expiry'): void {
  if (actionError?.where === where) actionError = undefined;
  draw();
}

function view(): TemplateResult {
  if (!init) return html`<p class="muted">Loading…</p>`;
  if (deleted) return html`<h1>Token deleted</h1><p data-testid="token-deleted">The token was deleted. This tab closes by itself.</p>`;
  if (!data) {
    return loadError
      ? html`${signInBanner()}<div class="banner error" role="alert" data-testid="load-error">${loadError}</div>
          <vscode-button data-testid="retry" @click=${() => void load()}>Retry</vscode-button>`
      : html`<p class="muted">Loading…</p>`;
  }
  if (data.gone || !data.token) return html`<h1>Token not found</h1><p data-testid="token-gone">This token no longer exists.</p>`;
  const t = data.token;
  const now = Date.now();
  const owner = t.resource_owner;
  const reason = denialReason(t);
  return html`
    <header class="title-row">
      <h1 data-testid="token-name">${t.name}</h1>
      <vscode-badge data-testid="token-status" class=${`status status-${t.status}`}>${stateText(t, now)}</vscode-badge>
      ${loading ? html`<vscode-progress-ring class="inline-ring"></vscode-progress-ring>` : nothing}
    </header>
    ${signInBanner()}
    ${loadError ? html`<div class="banner error" role="alert">${loadError}</div>` : nothing}
    ${secret ? secretBanner(secret) : nothing}
    ${secretSuperseded
      ? html`<p class="banner info" role="status" data-testid="secret-superseded">This token was regenerated elsewhere since its new secret was shown here: that secret no longer works, so it is no longer shown.</p>`
      : nothing}
    ${isExpiringSoon(t, now) ? html`<p class="banner warning" data-testid="expiry-warning">This token ${expiryText(t, now)}. Regenerate it or change its expiry to keep it working.</p>` : nothing}
    ${t.status === 'denied' ? html`<p class="banner error" data-testid="denial-reason">Denied by ${owner ?? 'the organization'}${reason ? html`: ${reason}` : '.'}</p>` : nothing}
    ${t.status === 'pending' ? html`<p class="banner info">Waiting for an owner of ${owner} to approve this token. Until then it reads public resources only.</p>` : nothing}
    <dl class="props" data-testid="token-properties">
      <dt>Account</dt><dd>${init.accountLabel}</dd>
      ${t.description ? html`<dt>Description</dt><dd data-testid="token-description">${t.description}</dd>` : nothing}
      <dt>Kind</dt><dd data-testid="token-kind">${kindLabel(t.kind)}</dd>
      ${t.kind === 'fine_grained' ? html`<dt>Resource owner</dt><dd data-testid="token-owner">${owner ?? '—'}</dd>` : nothing}
      <dt>Status</dt><dd>${t.status}</dd>
      <dt>Expires</dt><dd data-testid="token-expiry">${expiryText(t, now)}${t.expires_at ? ` (${formatDate(t.expires_at)})` : ''}</dd>
      <dt>Created</dt><dd>${formatDate(t.created_at)}</dd>
      <dt>Last used</dt><dd data-testid="token-last-used">${lastUsedText(t, now)}${t.last_used_at ? ` (${formatDate(t.last_used_at)})` : ''}</dd>
      <dt>Token</dt><dd><code data-testid="token-last-eight">…${t.token_last_eight}</code> <span class="muted">(only the last eight characters are kept)</span></dd>
    </dl>
    ${t.kind === 'classic' ? scopesView(t) : permissionsView(t)}
    ${actionsView(t)}
    ${eventsView()}`;
}

function secretBanner(s: NewSecret): TemplateResult {
  return html`
    <section class="banner warning secret-banner" role="status">
      <p><strong>Copy the new secret now.</strong> It is not shown again; the old secret no longer works.</p>
      <div class="secret-row">
        <vscode-textfield id="regenerated-secret" data-testid="regenerated-secret" readonly .value=${s.secret} aria-label="New token secret" class="secret"></vscode-textfield>
        <vscode-button data-testid="copy-secret" @click=${() => void copySecret(s.secret)}>Copy</vscode-button>
        <vscode-button secondary data-testid="hide-secret" @click=${() => { secret = undefined; copyError = ''; draw(); }}>Done</vscode-button>
      </div>
      ${copyError ? html`<div class="field-error" role="alert" data-testid="copy-error">${copyError}</div>` : nothing}
    </section>`;
}

async function copySecret(text: string): Promise<void> {
  copyError = await copyText(text, 'the token');
  draw();
}

function scopesView(t: TokenJson): TemplateResult {
  const scopes = t.scopes ?? [];
  return html`<section>
    <h2>Scopes</h2>
    ${scopes.length
      ? html`<ul class="plain" data-testid="token-scopes">${scopes.map((s) => html`<li><code>${s}</code> <span class="muted">${CLASSIC_SCOPES.find((c) => c.name === s)?.description ?? ''}</span></li>`)}</ul>`
      : html`<p data-testid="token-scopes">${scopeSummary(scopes)}</p>`}
  </section>`;
}

function permissionsView(t: TokenJson): TemplateResult {
  const rows = permissionEntries(t.permissions);
  if (!rows.some((r) => r.group === 'repository' && r.name === 'metadata')) rows.unshift({ group: 'repository', name: 'metadata', level: 'read' });
  const repos = t.repositories ?? [];
  return html`<section>
    <h2>Repository access</h2>
    <p data-testid="token-repository-selection">${t.repository_selection === 'all'
      ? `All repositories of ${t.resource_owner ?? 'the owner'}`
      : t.repository_selection === 'subset'
        ? `${repos.length} selected repositor${repos.length === 1 ? 'y' : 'ies'}`
        : 'Public repositories (read-only)'}</p>
    ${t.repository_selection === 'subset' && repos.length
      ? html`<ul class="plain" data-testid="token-repositories">${repos.map((r) => html`<li><code>${r.full_name}</code></li>`)}</ul>`
      : nothing}
    <h2>Permissions</h2>
    <table class="matrix" data-testid="token-permissions">
      <thead><tr><th scope="col">Permission</th><th scope="col">Access</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><th scope="row">${permissionTitle(r.group, r.name)}</th><td>${r.level}</td></tr>`)}</tbody>
    </table>
  </section>`;
}

function expiryRadios(name: string, mode: Mode, set: (m: Mode) => void, allowKeep: boolean, allowNone: boolean, date: string, setDate: (d: string) => void): TemplateResult {
  const modes: Mode[] = [...(allowKeep ? (['keep'] as Mode[]) : []), '7', '30', '60', '90', 'custom', ...(allowNone ? (['none'] as Mode[]) : [])];
  const label = (m: Mode) => (m === 'keep' ? 'Keep current' : m === 'custom' ? 'Custom…' : m === 'none' ? 'No expiration' : `${m} days`);
  const onGroup = (e: Event) => {
    const group = e.currentTarget as HTMLElement;
    const v = Array.from(group.querySelectorAll<HTMLElement & { checked: boolean; value: string }>('vscode-radio')).find((r) => r.checked)?.value as Mode | undefined;
    if (v && v !== mode) set(v);
  };
  return html`
    <vscode-radio-group data-testid=${name} aria-label="Expiration" @change=${onGroup} @keyup=${onGroup}>
      ${modes.map((m) => html`<vscode-radio name=${name} value=${m} data-testid=${`${name}-${m}`} ?checked=${mode === m}>${label(m)}</vscode-radio>`)}
    </vscode-radio-group>
    ${mode === 'custom'
      ? html`<vscode-textfield type="date" data-testid=${`${name}-date`} aria-label="Expiry date" .value=${date}
          min=${new Date(Date.now() + DAY_MS).toISOString().slice(0, 10)}
          @input=${(e: Event) => setDate((e.target as HTMLInputElement).value)}
          @change=${(e: Event) => setDate((e.target as HTMLInputElement).value)}></vscode-textfield>`
      : nothing}`;
}

function actionsView(t: TokenJson): TemplateResult {
  const now = Date.now();
  const canRegenerate = t.status === 'active' || t.status === 'expired';
  const canChange = (t.status === 'active' || t.status === 'pending') && !isExpired(t, now);
  const err = (where: string) =>
    actionError?.where === where ? html`<div class="field-error" role="alert" data-testid=${`error-${where}`}>${actionError.message}</div>` : nothing;
  const classic = t.kind === 'classic';
  return html`<section class="actions-section">
    <h2>Actions</h2>
    ${canRegenerate
      ? html`<div class="action-block">
          <h3>Regenerate</h3>
          <p class="muted">Makes a new secret with the same name and access; the current secret stops working.</p>
          ${expiryRadios('regenerate-expiry', regenMode, (m) => { regenMode = m; fixed('regenerate'); }, !isExpired(t, now), classic, regenDate, (d) => { regenDate = d; fixed('regenerate'); })}
          <div class="actions">
            <vscode-button data-testid="regenerate" ?disabled=${!!busy} @click=${() => void act('regenerate')}>${busy === 'regenerate' ? 'Regenerating…' : 'Regenerate Token'}</vscode-button>
          </div>
          ${err('regenerate')}
        </div>`
      : nothing}
    ${canChange
      ? html`<div class="action-block">
          <h3>Change expiry</h3>
          ${expiryRadios('new-expiry', expiryMode, (m) => { expiryMode = m; fixed('expiry'); }, false, classic, expiryDate, (d) => { expiryDate = d; fixed('expiry'); })}
          <div class="actions">
            <vscode-button secondary data-testid="change-expiry" ?disabled=${!!busy} @click=${() => void act('expiry')}>${busy === 'expiry' ? 'Saving…' : 'Change Expiry'}</vscode-button>
          </div>
          ${err('expiry')}
        </div>`
      : nothing}
    <div class="action-block danger">
      <h3>Delete</h3>
      <p class="muted">Anything using this token loses access at once. This cannot be undone.</p>
      <vscode-button secondary class="danger-button" data-testid="delete" ?disabled=${!!busy} @click=${() => void act('delete')}>${busy === 'delete' ? 'Deleting…' : 'Delete Token…'}</vscode-button>
      ${err('delete')}
    </div>
  </section>`;
}

function eventsView(): TemplateResult {
  const events = data?.events ?? [];
  return html`<section>
    <h2>Audit events</h2>
    ${data?.eventsError ? html`<p class="muted" data-testid="events-error">The audit log could not be read: ${data.eventsError}</p>` : nothing}
    ${events.length
      ? html`<table class="events" data-testid="audit-events">
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Actor</th></tr></thead>
          <tbody>${events.map((e) => {
            return html`<tr><td>${formatDate(new Date(e['@timestamp']).toISOString())}</td><td><code>${e.action}</code></td><td>${e.actor ?? '—'}</td></tr>`;
          })}</tbody>
        </table>`
      : html`<p class="muted" data-testid="audit-events-empty">No audit events for this token.</p>`}
  </section>`;
}

watchSignIn(draw);
draw();
ready();
