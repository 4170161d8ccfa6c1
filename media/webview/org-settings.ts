// The organization settings webview (see src/extension/webviews/org-settings-panel.ts): the org's
// token policy as a form — approval of fine-grained tokens, classic tokens allowed or restricted,
// lifetime caps (days; empty = no cap for classic tokens), SSO. Save sends only the fields changed
// since the policy was loaded (another owner's change to the others stays); the provider's field
// errors show next to their field and clear as the field is edited. A change made elsewhere reloads
// the form unless it has unsaved edits; a field edited while a reload is on its way keeps the edit.
import { html, render, nothing, type TemplateResult } from 'lit';
import './lib/elements';
import { call, CallError, messageOf, onInit, onUpdate, ready } from './lib/vscode-api';
import { errorsByAnchor } from './lib/field-errors';
import { signInBanner, watchSignIn } from './lib/sign-in';
import type { TokenPolicyJson } from '../../src/shared/api-types';
import { changes, daysError, formOf, isDirty, rebase, type PolicyForm } from './org-settings/policy-form';
import type { OrgSettingsData, OrgSettingsInit } from '../../src/shared/webview-protocol';

const ANCHORS = ['require_approval', 'classic_tokens', 'max_lifetime_days.classic', 'max_lifetime_days.fine_grained', 'sso_required'];

let init: OrgSettingsInit | undefined;
let saved: TokenPolicyJson | undefined;
let form: PolicyForm | undefined;
let loadError = '';
let formError = '';
let errors = new Map<string, string[]>();
let busy = false;
let savedNote = '';

const root = document.getElementById('app')!;
root.textContent = '';

function dirty(): boolean {
  return !!form && !!saved && isDirty(form, saved);
}

onInit<OrgSettingsInit>((d) => {
  init = d;
  root.setAttribute('aria-busy', 'false');
  void load();
});
onUpdate(() => {
  if (!dirty()) void load();
});

async function load(): Promise<void> {
  loadError = '';
  draw();
  try {
    const r = await call<OrgSettingsData>('load');
    // A field edited while this load was on its way keeps what was typed.
    form = form && saved ? rebase(form, saved, r.policy) : formOf(r.policy);
    saved = r.policy;
  } catch (err) {
    if (!(err instanceof CallError && err.kind === 'cancelled')) loadError = messageOf(err);
  }
  draw();
}

async function save(): Promise<void> {
  if (!form || !saved || busy) return;
  errors = new Map();
  const c = daysError(form.maxClassic, true);
  const fg = daysError(form.maxFineGrained, false);
  if (c) errors.set('max_lifetime_days.classic', [c]);
  if (fg) errors.set('max_lifetime_days.fine_grained', [fg]);
  formError = '';
  savedNote = '';
  if (errors.size) {
    draw();
    return;
  }
  busy = true;
  draw();
  try {
    const r = await call<OrgSettingsData>('save', { policy: changes(form, saved) });
    saved = r.policy;
    form = formOf(r.policy);
    savedNote = 'Saved. The policy applies to new and existing tokens for this organization.';
  } catch (err) {
    if (err instanceof CallError && err.kind === 'cancelled') {
      // nothing to say
    } else if (err instanceof CallError && err.fieldErrors.length) {
      errors = errorsByAnchor(err.fieldErrors, ANCHORS);
      formError = errors.get('form')?.join(' ') ?? '';
    } else formError = messageOf(err);
  }
  busy = false;
  draw();
}

function edit(patch: Partial<PolicyForm>, anchor: string): void {
  if (!form) return;
  form = { ...form, ...patch };
  errors.delete(anchor);
  savedNote = '';
  draw();
}

function errorFor(anchor: string): TemplateResult | typeof nothing {
  const list = errors.get(anchor);
  if (!list?.length) return nothing;
  return html`<div class="field-error" role="alert" data-testid=${`error-${anchor.replace(/\./g, '-')}`}>${list.join(' ')}</div>`;
}

function view(): TemplateResult {
  if (!init) return html`<p class="muted">Loading…</p>`;
  const head = html`<h1>${init.org}</h1><p class="muted">Organization settings · signed in as ${init.accountLabel}</p>${signInBanner()}`;
  if (loadError) {
    return html`${head}<div class="banner error" role="alert" data-testid="org-load-error">${loadError}</div>
      <vscode-button data-testid="org-retry" @click=${() => void load()}>Try Again</vscode-button>`;
  }
  if (!form) return html`${head}<p class="muted"><vscode-progress-ring class="inline-ring"></vscode-progress-ring> Loading the token policy…</p>`;
  const f = form;
  return html`${head}
    <h2>Personal access token policy</h2>
    ${formError ? html`<div class="banner error form-error" role="alert" data-testid="policy-error">${formError}</div>` : nothing}
    <section class="field">
      <vscode-checkbox data-testid="policy-require-approval" ?checked=${f.requireApproval}
        @change=${(e: Event) => edit({ requireApproval: (e.target as HTMLInputElement).checked }, 'require_approval')}>Require approval of fine-grained tokens</vscode-checkbox>
      <vscode-form-helper>A member's fine-grained token for ${init.org} waits in the Approvals view of its owners until one approves it.</vscode-form-helper>
      ${errorFor('require_approval')}
    </section>
    <section class="field">
      <vscode-label>Personal access tokens (classic)</vscode-label>
      <vscode-radio-group data-testid="policy-classic" aria-label="Personal access tokens (classic)"
        @change=${(e: Event) => {
          const v = Array.from((e.currentTarget as HTMLElement).querySelectorAll<HTMLElement & { checked: boolean; value: string }>('vscode-radio')).find((r) => r.checked)?.value;
          if (v === 'allowed' || v === 'restricted') edit({ classic: v }, 'classic_tokens');
        }}>
        <vscode-radio name="classic" value="allowed" data-testid="policy-classic-allowed" ?checked=${f.classic === 'allowed'}>Allowed</vscode-radio>
        <vscode-radio name="classic" value="restricted" data-testid="policy-classic-restricted" ?checked=${f.classic === 'restricted'}>Restricted: classic tokens cannot reach the organization's resources</vscode-radio>
      </vscode-radio-group>
      ${errorFor('classic_tokens')}
    </section>
    <section class="field">
      <vscode-label for="policy-max-fine-grained">Maximum lifetime of fine-grained tokens (days)</vscode-label>
      <vscode-textfield id="policy-max-fine-grained" data-testid="policy-max-fine-grained" inputmode="numeric" .value=${f.maxFineGrained}
        ?invalid=${errors.has('max_lifetime_days.fine_grained')}
        @input=${(e: Event) => edit({ maxFineGrained: (e.target as HTMLInputElement).value }, 'max_lifetime_days.fine_grained')}></vscode-textfield>
      <vscode-form-helper>1 to 366 days.</vscode-form-helper>
      ${errorFor('max_lifetime_days.fine_grained')}
    </section>
    <section class="field">
      <vscode-label for="policy-max-classic">Maximum lifetime of classic tokens (days)</vscode-label>
      <vscode-textfield id="policy-max-classic" data-testid="policy-max-classic" inputmode="numeric" placeholder="no limit" .value=${f.maxClassic}
        ?invalid=${errors.has('max_lifetime_days.classic')}
        @input=${(e: Event) => edit({ maxClassic: (e.target as HTMLInputElement).value }, 'max_lifetime_days.classic')}></vscode-textfield>
      <vscode-form-helper>Empty: no limit. Classic tokens without an expiry, or expiring later, cannot reach the organization.</vscode-form-helper>
      ${errorFor('max_lifetime_days.classic')}
    </section>
    <section class="field">
      <vscode-checkbox data-testid="policy-sso" ?checked=${f.sso}
        @change=${(e: Event) => edit({ sso: (e.target as HTMLInputElement).checked }, 'sso_required')}>Require SSO authorization of tokens</vscode-checkbox>
      <vscode-form-helper>Each token must be authorized for ${init.org} (single sign-on) before it reaches the organization's resources.</vscode-form-helper>
      ${errorFor('sso_required')}
    </section>
    <div class="actions">
      <vscode-button data-testid="policy-save" ?disabled=${busy || !dirty()} @click=${() => void save()}>${busy ? 'Saving…' : 'Save Policy'}</vscode-button>
      <vscode-button secondary data-testid="policy-revert" ?disabled=${busy || !dirty()} @click=${() => { form = formOf(saved!); errors = new Map(); formError = ''; draw(); }}>Revert</vscode-button>
      ${savedNote ? html`<span class="muted" role="status" data-testid="policy-saved">${savedNote}</span>` : nothing}
    </div>`;
}

function draw(): void {
  render(view(), root);
}

watchSignIn(draw);
draw();
ready();
