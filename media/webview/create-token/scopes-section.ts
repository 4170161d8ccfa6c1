// The classic token's scopes: the catalog with descriptions and hierarchy; a scope checks (and
// disables) the ones it includes.
import { html, nothing, type TemplateResult } from 'lit';
import { CLASSIC_SCOPES } from '../../../src/shared/classic-scopes';
import { errorFor, has } from './field-ui';
import { state, update } from './state';

function scopeChecked(name: string): boolean {
  return state.form.scopes.includes(name);
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
  const set = new Set(state.form.scopes);
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

export function scopesSection(): TemplateResult {
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
            <span class="scope-desc">${s.description}${via ? html` <em>(included in ${via})</em>` : nothing}${s.guards ? nothing : html` <em class="muted" data-testid=${`scope-unguarded-${s.name}`}>(accepted; Tessera has nothing it guards)</em>`}</span>
          </div>`;
        })}
      </div>
      ${errorFor('scopes')}
    </section>`;
}
