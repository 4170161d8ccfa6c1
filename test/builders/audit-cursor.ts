// The audit log's cursors for tests: what its Link header hands out for an event.

/** The cursor naming the event whose `_document_id` is `documentId`. */
export function auditCursorOf(documentId: string): string {
  return Buffer.from(`audit:${documentId}`, 'utf8').toString('base64url');
}
