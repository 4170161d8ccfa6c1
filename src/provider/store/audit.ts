// The audit log: append-only events with GitHub's event names. Never holds a secret: callers
// pass only ids, names and last-eight characters, and the audit service redacts anything
// token-shaped before it reaches the store.

export interface AuditEventRecord {
  id: number;
  /** GitHub's event name, e.g. `personal_access_token.create`, `oauth_authorization.create`. */
  action: string;
  createdAt: Date;
  actorId: number | null;
  actorLogin: string | null;
  /** The user the event is about (often the actor). */
  userId: number | null;
  userLogin: string | null;
  /** The organization the event is about, if any. */
  orgId: number | null;
  orgLogin: string | null;
  tokenId: number | null;
  /** The client address the request came from. */
  actorIp: string | null;
  /** Extra, secret-free details (JSON object). */
  data: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEventRecord, 'id'>;

export interface AuditFilter {
  /** Events whose actor or subject user is this user. */
  involvingUserId?: number;
  orgId?: number;
  action?: string;
  /** Events whose actor has this login (case-insensitive). */
  actorLogin?: string;
  /** Events about the user with this login (case-insensitive). */
  userLogin?: string;
  /** Events about the token with this id. */
  tokenId?: number;
  /** Created at or after / strictly before. */
  createdFrom?: Date;
  createdBefore?: Date;
  /** Only ids above / below (the audit log's cursors). */
  idAbove?: number;
  idBelow?: number;
}

export interface AuditQuery extends AuditFilter {
  /** Newest first (default) or oldest first. */
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface AuditStore {
  append(event: NewAuditEvent): Promise<AuditEventRecord>;
  /** Newest first unless `order: 'asc'`. */
  list(query: AuditQuery): Promise<AuditEventRecord[]>;
  /** How many events match (the whole list `list` pages through). */
  count(filter: AuditFilter): Promise<number>;
}
