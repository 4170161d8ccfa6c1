// Text placed in HTML (element content or a quoted attribute value): the five characters that
// could end either are written as entities. Used by the provider's pages and the extension's
// webview documents.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
