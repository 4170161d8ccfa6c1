// Where a provider validation error belongs in a form: `fieldErrors[].field` names a JSON field
// (`name`, `expires_at`, `repositories[2]`, `permissions.repository.contents`); the form shows it
// next to that field, or at the top when the form has no such field.
export interface FieldErrorLike {
  readonly field: string;
  readonly message: string;
}

/** The form anchor for a field: one of `anchors`, a `permissions.<group>.<name>` row, or 'form'. */
export function anchorFor(field: string, anchors: readonly string[], rows: readonly string[] = []): string {
  const f = field.replace(/\[\d+\]$/, '').replace(/\.\d+$/, '');
  if (rows.includes(f)) return f;
  if (anchors.includes(f)) return f;
  const head = f.split(/[.[]/)[0] ?? f;
  if (anchors.includes(head)) return head;
  return 'form';
}

/** Groups errors by anchor. */
export function errorsByAnchor(errors: readonly FieldErrorLike[], anchors: readonly string[], rows: readonly string[] = []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of errors) {
    const a = anchorFor(e.field, anchors, rows);
    const msg = a === 'form' ? `${e.field}: ${e.message}` : e.message;
    const list = out.get(a) ?? [];
    list.push(msg);
    out.set(a, list);
  }
  return out;
}
