// What a route is about, as loaded by its AuthRequirement.resource resolver. Guards read the
// common fields; `record` carries the loaded row for the handler.

export interface ResourceOwnerRef {
  type: 'User' | 'Organization';
  id: number;
  login: string;
}

export interface AuthzResource {
  /** e.g. 'user', 'token', 'repository', 'organization'. */
  type: string;
  id?: number;
  /** The account that owns the resource (fine-grained resource-owner and org-policy checks). */
  owner?: ResourceOwnerRef;
  /** Public resources are readable by every token (incl. pending fine-grained ones). */
  isPublic?: boolean;
  /** The loaded record, for the handler. */
  record?: unknown;
}
