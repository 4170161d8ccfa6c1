// The receipt after a token was made: the secret once (until the token is regenerated or deleted
// elsewhere), its name, kind, expiry and status.
import { html, nothing, type TemplateResult } from 'lit';
import type { TokenJson } from '../../../src/shared/api-types';
import { expiryText } from '../../../src/shared/token-text';
import { copyText } from '../lib/copy';
import { call } from '../lib/vscode-api';
import { actions, state } from './state';

async function copySecret(secret: string): Promise<void> {
  state.copyError = await copyText(secret, 'the token');
  actions.draw();
}

export function createdView(t: TokenJson): TemplateResult {
  const secret = t.token ?? '';
  const pending = t.status === 'pending';
  return html`
    <h1 data-testid="created-heading">${pending ? 'Token requested' : 'Token created'}</h1>
    ${state.superseded
      ? html`<p class="banner info" role="status" data-testid="created-superseded">
          ${state.superseded === 'deleted'
            ? 'This token has since been deleted: its secret no longer works.'
            : 'This token has since been regenerated: the secret shown here no longer works (the new one was shown where it was regenerated).'}
        </p>`
      : html`<p class="banner warning" role="status">
            Copy your new personal access token now. You won’t be able to see it again — afterwards only its last eight characters are shown.
          </p>
          <div class="secret-row">
            <vscode-textfield id="new-token-secret" data-testid="new-token-secret" readonly .value=${secret} aria-label="New token secret" class="secret"></vscode-textfield>
            <vscode-button data-testid="copy-secret" @click=${() => void copySecret(secret)}>Copy</vscode-button>
          </div>
          ${state.copyError ? html`<div class="field-error" role="alert" data-testid="copy-error">${state.copyError}</div>` : nothing}`}
    ${state.createdWarning ? html`<p class="banner warning" role="alert" data-testid="created-warning">${state.createdWarning}</p>` : nothing}
    <dl class="props" data-testid="created-summary">
      <dt>Name</dt><dd data-testid="created-name">${t.name}</dd>
      <dt>Kind</dt><dd>${t.kind === 'fine_grained' ? 'Fine-grained' : 'Classic'}</dd>
      <dt>Expiry</dt><dd data-testid="created-expiry">${expiryText(t, Date.now())}</dd>
      <dt>Status</dt><dd data-testid="created-status">${pending ? 'pending approval by the organization’s owners' : t.status}</dd>
    </dl>
    ${pending
      ? html`<p class="banner info">This token reads public resources only until an owner of ${t.resource_owner} approves it. You will be notified.</p>`
      : nothing}
    <div class="actions">
      ${state.superseded === 'deleted'
        ? nothing
        : html`<vscode-button data-testid="show-details" @click=${() => void call('openDetails', { accountId: state.createdAccountId, tokenId: t.id })}>Show Details</vscode-button>`}
      <vscode-button secondary data-testid="create-another" @click=${() => { state.created = undefined; actions.draw(); }}>Create Another Token</vscode-button>
      <vscode-button secondary data-testid="close" @click=${() => { state.created = undefined; void call('close'); }}>Done</vscode-button>
    </div>`;
}
