// Organization memberships: `owner` or `member`, `active` or `pending` (an invitation the user
// has not accepted yet). GitHub's API calls an owner `admin`.

export type OrgRole = 'owner' | 'member';
type MembershipState = 'active' | 'pending';

export interface MembershipRecord {
  orgId: number;
  userId: number;
  role: OrgRole;
  state: MembershipState;
  invitedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MembershipQuery {
  orgId?: number;
  userId?: number;
  state?: MembershipState;
  role?: OrgRole;
  limit?: number;
  offset?: number;
}

export interface MembershipStore {
  get(orgId: number, userId: number): Promise<MembershipRecord | undefined>;
  /** Oldest first. */
  list(query: MembershipQuery): Promise<MembershipRecord[]>;
  count(query: MembershipQuery): Promise<number>;
  /** Creates a pending invitation, or changes the role of an existing membership (keeping its state). */
  upsert(m: { orgId: number; userId: number; role: OrgRole; invitedBy: number | null; now: Date }): Promise<MembershipRecord>;
  /** pending → active. Undefined when there is no membership. */
  activate(orgId: number, userId: number, now: Date): Promise<MembershipRecord | undefined>;
  remove(orgId: number, userId: number): Promise<boolean>;
}
