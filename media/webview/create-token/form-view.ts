// The Create Token form: account, kind, name, description, expiry, then the kind's own sections.
import { html, nothing, type TemplateResult } from 'lit';
import { DAY_MS, MAX_TOKEN_LIFETIME_DAYS, expiryFromPreset, latestExpiryDate } from '../../../src/shared/token-text';
import { signInBanner } from '../lib/sign-in';
import { call } from '../lib/vscode-api';
import { errorFor, groupValue, has } from './field-ui';
import { fineGrainedSections } from './fine-grained-sections';
import { scopesSection } from './scopes-section';
import { blankForm, type ExpiryMode, type Kind } from './form';
import { actions, currentOwner, state, update } from './state';

const onKind = (e: Event) => {
  const v = groupValue(e) as Kind | undefined;
  if (!v || v === state.form.kind) return;
  update({ kind: v, expiry: v === 'fine_grained' && state.form.expiry === 'none' ? '30' : state.form.expiry });
  if (v === 'fine_grained') void actions.loadRepos();
};
const onExpiry = (e: Event) => {
  const v = groupValue(e) as ExpiryMode | undefined;
  if (v && v !== state.form.expiry) update({ expiry: v });
};

export function formView(): TemplateResult {
  if (!state.init) return html`<p class="muted">Loading…</p>`;
  const formErrors = state.errors.get('form');
  return html`
    <h1>New personal access token</h1>
    ${signInBanner()}
    ${formErrors?.length
      ? html`<div class="banner error form-error" role="alert" tabindex="-1" data-testid="error-form">${formErrors.map((m) => html`<div>${m}</div>`)}</div>`
      : nothing}
    ${state.init.accounts.length > 1
      ? html`<section class="field">
          <vscode-label for="field-account">Account</vscode-label>
          <vscode-single-select id="field-account" data-testid="account" .value=${state.form.accountId} ?disabled=${state.busy}
            @change=${(e: Event) => { update({ ...blankForm((e.target as HTMLSelectElement).value), kind: state.form.kind }); void actions.loadOwners(); }}>
            ${state.init.accounts.map((a) => html`<vscode-option value=${a.id} ?selected=${a.id === state.form.accountId}>${a.label}</vscode-option>`)}
          </vscode-single-select>
        </section>`
      : nothing}
    <section class="field">
      <vscode-label>Kind</vscode-label>
      <vscode-radio-group id="field-kind" data-testid="kind" aria-label="Token kind"
        @change=${onKind} @keyup=${onKind}>
        <vscode-radio name="kind" value="fine_grained" data-testid="kind-fine_grained" ?checked=${state.form.kind === 'fine_grained'}>Fine-grained</vscode-radio>
        <vscode-radio name="kind" value="classic" data-testid="kind-classic" ?checked=${state.form.kind === 'classic'}>Classic</vscode-radio>
      </vscode-radio-group>
      ${errorFor('kind')}
    </section>
    <section class="field">
      <vscode-label for="field-name" required>Token name</vscode-label>
      <vscode-textfield id="field-name" data-testid="name" .value=${state.form.name} placeholder="What is this token for?" maxlength="100"
        ?invalid=${has('name')} data-invalid=${has('name') ? 'true' : 'false'} aria-describedby="error-name"
        @input=${(e: Event) => update({ name: (e.target as HTMLInputElement).value })}
        @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') void actions.submit(); }}></vscode-textfield>
      ${errorFor('name')}
    </section>
    <section class="field">
      <vscode-label for="field-description">Description</vscode-label>
      <vscode-textarea id="field-description" data-testid="description" rows="2" .value=${state.form.description}
        ?invalid=${has('description')} data-invalid=${has('description') ? 'true' : 'false'}
        @input=${(e: Event) => update({ description: (e.target as HTMLTextAreaElement).value })}></vscode-textarea>
      ${errorFor('description')}
    </section>
    ${expirySection()}
    ${state.form.kind === 'classic' ? scopesSection() : fineGrainedSections()}
    <div class="actions">
      <vscode-button data-testid="generate" ?disabled=${state.busy} @click=${() => void actions.submit()}>${state.busy ? 'Generating…' : 'Generate Token'}</vscode-button>
      <vscode-button secondary data-testid="cancel" ?disabled=${state.busy} @click=${() => void call('close')}>Cancel</vscode-button>
      ${state.busy ? html`<vscode-progress-ring class="inline-ring"></vscode-progress-ring>` : nothing}
    </div>`;
}

function maxDays(): number | undefined {
  const owner = currentOwner();
  if (state.form.kind === 'classic') return undefined;
  const m = owner?.policy?.max_lifetime_days?.fine_grained;
  return typeof m === 'number' ? m : MAX_TOKEN_LIFETIME_DAYS;
}

function expirySection(): TemplateResult {
  const now = Date.now();
  const max = maxDays();
  const presets: ExpiryMode[] = ['7', '30', '60', '90'];
  const allowNone = state.form.kind === 'classic';
  const label = (m: ExpiryMode) => `${m} days`;
  return html`
    <section class="field">
      <vscode-label>Expiration</vscode-label>
      <vscode-radio-group id="field-expires_at" data-testid="expiry" aria-label="Expiration"
        data-invalid=${has('expires_at') ? 'true' : 'false'}
        @change=${onExpiry} @keyup=${onExpiry}>
        ${presets.map((m) => html`<vscode-radio name="expiry" value=${m} data-testid=${`expiry-${m}`} ?checked=${state.form.expiry === m}
          ?disabled=${max !== undefined && Number(m) > max}>${label(m)}</vscode-radio>`)}
        <vscode-radio name="expiry" value="custom" data-testid="expiry-custom" ?checked=${state.form.expiry === 'custom'}>Custom…</vscode-radio>
        ${allowNone ? html`<vscode-radio name="expiry" value="none" data-testid="expiry-none" ?checked=${state.form.expiry === 'none'}>No expiration</vscode-radio>` : nothing}
      </vscode-radio-group>
      ${state.form.expiry === 'custom'
        ? html`<vscode-textfield type="date" id="field-custom-date" data-testid="expiry-date" aria-label="Expiry date"
            .value=${state.form.customDate} .min=${new Date(now + DAY_MS).toISOString().slice(0, 10)}
            .max=${latestExpiryDate(now, Math.min(max ?? MAX_TOKEN_LIFETIME_DAYS, MAX_TOKEN_LIFETIME_DAYS))}
            ?invalid=${has('expires_at')}
            @input=${(e: Event) => update({ customDate: (e.target as HTMLInputElement).value })}
            @change=${(e: Event) => update({ customDate: (e.target as HTMLInputElement).value })}></vscode-textfield>`
        : nothing}
      <vscode-form-helper>
        ${state.form.expiry === 'none'
          ? html`<span class="warning-text">A token without expiry stays valid until you delete it. Prefer an expiry.</span>`
          : state.form.expiry === 'custom'
            ? 'The token expires at the end of that day (UTC).'
            : html`The token expires on ${new Date(expiryFromPreset(Number(state.form.expiry), now)).toUTCString().slice(0, 16)}.`}
        ${max !== undefined ? html` ${state.form.owner ? `${state.form.owner}'s maximum` : 'The maximum'}: ${max} days.` : nothing}
      </vscode-form-helper>
      ${errorFor('expires_at')}
    </section>`;
}
