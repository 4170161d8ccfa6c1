// Pieces every form section uses: a field's error text, whether a field is invalid, the value of
// a radio group, and moving focus to the first error.
import { html, nothing, type TemplateResult } from 'lit';
import { state } from './state';

export function errorFor(anchor: string): TemplateResult | typeof nothing {
  const list = state.errors.get(anchor);
  if (!list?.length) return nothing;
  return html`<div class="field-error" role="alert" id=${`error-${anchor}`} data-testid=${`error-${anchor}`}>${list.join(' ')}</div>`;
}

export const has = (anchor: string): boolean => state.errors.has(anchor);

/** The checked radio's value of a vscode-radio-group (arrow keys check without a change event). */
export function groupValue(e: Event): string | undefined {
  const group = e.currentTarget as HTMLElement;
  const checked = Array.from(group.querySelectorAll<HTMLElement & { checked: boolean; value: string }>('vscode-radio')).find((r) => r.checked);
  return checked?.value;
}

export function focusFirstError(): void {
  requestAnimationFrame(() => {
    const first = document.querySelector<HTMLElement>('[data-invalid="true"], .form-error');
    first?.focus?.();
    first?.scrollIntoView({ block: 'center' });
  });
}
