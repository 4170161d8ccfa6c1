// One entry of GET /user/audit-log and /orgs/{org}/audit-log (GitHub's audit-log entry); the
// event's own details are spread into it.

export interface AuditEventJson {
  /** Milliseconds since the epoch. */
  '@timestamp': number;
  _document_id: string;
  action: string;
  actor: string | null;
  actor_id: number | null;
  user: string | null;
  user_id: number | null;
  org?: string | null;
  org_id?: number | null;
  token_id?: number;
  actor_ip?: string;
  /** Milliseconds since the epoch (the same instant as `@timestamp`). */
  created_at: number;
  [detail: string]: unknown;
}
