// The fine-grained token's sections: resource owner, repository access (with a searchable picker),
// the read/write permission matrix, and the justification for an organization's owners.
import { html, nothing, type TemplateResult } from 'lit';
import { FINE_GRAINED_PERMISSIONS, PERMISSION_GROUPS } from '../../../src/shared/fine-grained-permissions';
import type { OwnerOption } from '../../../src/shared/webview-protocol';
import { errorFor, groupValue, has } from './field-ui';
import { groupApplies } from './request-body';
import type { Selection } from './form';
import { actions, currentOwner, repoKey, state, update } from './state';

const MAX_LISTED_REPOS = 300;

const onSelection = (e: Event) => {
  const v = groupValue(e) as Selection | undefined;
  if (v && v !== state.form.selection) update({ selection: v });
};


export function fineGrainedSections(): TemplateResult {
  const owner = currentOwner();
  const needsJustification = !!owner && !owner.isUser && owner.role !== 'admin';
  const requires = owner?.policy?.require_approval;
  return html`
    <section class="field">
      <vscode-label for="field-resource_owner">Resource owner</vscode-label>
      ${state.ownersError ? html`<div class="field-error" role="alert" data-testid="owners-error">${state.ownersError}</div>` : nothing}
      <vscode-single-select id="field-resource_owner" data-testid="owner" .value=${state.form.owner}
        data-invalid=${has('resource_owner') ? 'true' : 'false'}
        @change=${(e: Event) => { const v = (e.target as HTMLSelectElement).value; if (v !== state.form.owner) { update({ owner: v, repos: [], permissions: {}, justification: '' }); void actions.loadRepos(); } }}>
        ${state.owners.map((o) => html`<vscode-option value=${o.login} ?selected=${o.login === state.form.owner}>${o.login}${o.isUser ? ' (you)' : o.role === 'admin' ? ' (owner)' : ''}</vscode-option>`)}
      </vscode-single-select>
      <vscode-form-helper>The token can only reach resources of this owner (plus every public repository, read-only).</vscode-form-helper>
      ${errorFor('resource_owner')}
    </section>
    <section class="field">
      <vscode-label>Repository access</vscode-label>
      <vscode-radio-group id="field-repository_selection" data-testid="repo-selection" aria-label="Repository access"
        data-invalid=${has('repository_selection') ? 'true' : 'false'}
        @change=${onSelection} @keyup=${onSelection}>
        <vscode-radio name="selection" value="none" data-testid="repo-selection-none" ?checked=${state.form.selection === 'none'}>Public repositories (read-only)</vscode-radio>
        <vscode-radio name="selection" value="all" data-testid="repo-selection-all" ?checked=${state.form.selection === 'all'}>All repositories</vscode-radio>
        <vscode-radio name="selection" value="subset" data-testid="repo-selection-subset" ?checked=${state.form.selection === 'subset'}>Only select repositories</vscode-radio>
      </vscode-radio-group>
      ${errorFor('repository_selection')}
      ${state.form.selection === 'subset' ? repoPicker() : nothing}
    </section>
    ${permissionMatrix(owner)}
    ${owner && !owner.isUser
      ? html`<section class="field">
          <vscode-label for="field-justification" ?required=${requires === true && needsJustification}>Justification</vscode-label>
          <vscode-textarea id="field-justification" data-testid="justification" rows="3" maxlength="1024" .value=${state.form.justification}
            ?invalid=${has('justification')} data-invalid=${has('justification') ? 'true' : 'false'}
            placeholder="Why do you need this access?"
            @input=${(e: Event) => update({ justification: (e.target as HTMLTextAreaElement).value })}></vscode-textarea>
          <vscode-form-helper>${owner.role === 'admin'
            ? 'You own this organization: your token is approved at once.'
            : requires === false
              ? `${owner.login} does not require approval.`
              : `If ${owner.login} requires approval of fine-grained tokens, its state.owners read this before approving; the token stays pending until then.`}</vscode-form-helper>
          ${errorFor('justification')}
        </section>`
      : nothing}`;
}

function repoPicker(): TemplateResult {
  const q = state.form.repoFilter.trim().toLowerCase();
  const matches = state.repos.filter((r) => !q || r.name.toLowerCase().includes(q) || (r.full_name ?? '').toLowerCase().includes(q));
  const shown = matches.slice(0, MAX_LISTED_REPOS);
  const selected = new Set(state.form.repos);
  return html`
    <div class="repo-picker" id="field-repositories" data-invalid=${has('repositories') ? 'true' : 'false'} tabindex="-1">
      <vscode-textfield data-testid="repo-search" placeholder="Search repositories" aria-label="Search repositories" .value=${state.form.repoFilter}
        @input=${(e: Event) => update({ repoFilter: (e.target as HTMLInputElement).value })}></vscode-textfield>
      <div class="muted" data-testid="repo-count">${state.form.repos.length} selected${state.reposLoading ? ' · loading…' : ''}</div>
      ${state.reposError ? html`<div class="field-error" role="alert">${state.reposError}</div>` : nothing}
      <div class="repo-list" role="group" aria-label="Repositories">
        ${currentOwner() && !state.reposLoading && !state.repos.length && !state.reposError ? html`<div class="muted">${state.form.owner} has no repositories yet.</div>` : nothing}
        ${shown.map((r) => html`<div class="repo-row">
          <vscode-checkbox data-testid=${`repo-${r.name}`} value=${repoKey(r)} ?checked=${selected.has(repoKey(r))}
            @change=${(e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              const set = new Set(state.form.repos);
              if (on) set.add(repoKey(r));
              else set.delete(repoKey(r));
              update({ repos: [...set] });
            }}>${r.name}</vscode-checkbox>
          ${r.private ? html`<vscode-badge variant="counter">private</vscode-badge>` : nothing}
        </div>`)}
        ${matches.length > shown.length ? html`<div class="muted">${matches.length - shown.length} more — refine the search</div>` : nothing}
      </div>
      <vscode-button data-testid="create-repository" secondary ?disabled=${state.reposLoading}
        @click=${() => void actions.createRepository()}>${state.form.owner ? `Create a repository for ${state.form.owner}…` : 'Create a repository…'}</vscode-button>
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
            const level = fixed ? 'read' : (state.form.permissions[key] ?? 'none');
            const set = (v: string) => {
              const next = { ...state.form.permissions };
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
