// The provider's API as the extension calls it: one method per endpoint, with the request and
// response bodies of src/shared/api-types.ts. The only place in the extension that spells an API
// path. Pure: how a request travels (as a signed-in account with sudo re-prompting, or with
// explicit credentials before there is an account) is the transport's business.
import type {
  AuditEventJson,
  AuthorizationJson,
  CheckCredentialsRequest,
  CheckCredentialsResponse,
  CreateAuthorizationRequest,
  CreateRepositoryRequest,
  CreateOrganizationRequest,
  CreateTokenRequest,
  CreateUserRequest,
  DeviceAuthorizationJson,
  MembershipJson,
  OrganizationJson,
  OrgInvitationJson,
  OrgRoleJson,
  PublicAccountJson,
  RegenerateTokenRequest,
  RepositoryJson,
  ReviewTokenRequest,
  ReviewTokenRequests,
  SimpleUserJson,
  SudoRequest,
  SudoResponse,
  TokenJson,
  TokenPolicyJson,
  TokenRequestJson,
  TwoFactorEnableRequest,
  TwoFactorEnableResponse,
  TwoFactorRecoveryCodesResponse,
  TwoFactorSetupResponse,
  UpdateTokenPolicyRequest,
  UpdateTokenRequest,
  UserJson,
} from '../../shared/api-types';
import type { TesseraServices } from '../services';
import type { Credentials, HttpClient } from './http-client';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Where the API lives on a provider's origin. */
export const API_PREFIX = '/api/v3';

/** Sends one request to `{origin}/api/v3{path}`; resolves with the parsed JSON body (undefined for 204). */
type Transport = <T>(method: Method, path: string, body?: unknown) => Promise<T>;

/** The provider's largest page. */
export const PAGE_SIZE = 100;

/** A page of a list: 1-based `page`, `perPage` items (at most PAGE_SIZE). */
interface PageQuery {
  readonly page?: number;
  readonly perPage?: number;
}

function pageQuery(q: PageQuery = {}): string {
  return `per_page=${q.perPage ?? PAGE_SIZE}&page=${q.page ?? 1}`;
}

const seg = (s: string | number) => encodeURIComponent(String(s));

const TOKENS = '/user/personal-access-tokens';
const DEVICES = '/user/device-authorizations';
const tokenPath = (id: number) => `${TOKENS}/${seg(id)}`;
const orgPath = (org: string) => `/orgs/${seg(org)}`;
const requestsPath = (org: string) => `/orgs/${seg(org)}/personal-access-token-requests`;

export class ProviderApi {
  constructor(private readonly send: Transport) {}

  // ---- users, sign-in, sudo, two-factor ----

  /** GET /user */
  currentUser(): Promise<UserJson> {
    return this.send('GET', '/user');
  }

  /** POST /credentials/check (no authentication): which tokens work, without using them. */
  checkCredentials(body: CheckCredentialsRequest): Promise<CheckCredentialsResponse> {
    return this.send('POST', '/credentials/check', body);
  }

  /** POST /users (sign-up; no authentication). */
  createUser(body: CreateUserRequest): Promise<UserJson> {
    return this.send('POST', '/users', body);
  }

  /** GET /users/{login}: a user's or an organization's public profile (anyone may read it). */
  getAccount(login: string): Promise<PublicAccountJson> {
    return this.send('GET', `/users/${encodeURIComponent(login)}`);
  }

  /** POST /authorizations (Basic login:password, + the one-time code when challenged). */
  createAuthorization(body: CreateAuthorizationRequest): Promise<AuthorizationJson> {
    return this.send('POST', '/authorizations', body);
  }

  /** POST /user/sudo */
  openSudo(body: SudoRequest): Promise<SudoResponse> {
    return this.send('POST', '/user/sudo', body);
  }

  /** POST /user/two-factor/setup */
  setUpTwoFactor(): Promise<TwoFactorSetupResponse> {
    return this.send('POST', '/user/two-factor/setup', {});
  }

  /** POST /user/two-factor/enable */
  enableTwoFactor(body: TwoFactorEnableRequest): Promise<TwoFactorEnableResponse> {
    return this.send('POST', '/user/two-factor/enable', body);
  }

  /** POST /user/two-factor/recovery-codes (sudo): ten new codes, the earlier ones stop working. */
  newRecoveryCodes(): Promise<TwoFactorRecoveryCodesResponse> {
    return this.send('POST', '/user/two-factor/recovery-codes', {});
  }

  /** POST /user/two-factor/disable (sudo) */
  async disableTwoFactor(): Promise<void> {
    await this.send('POST', '/user/two-factor/disable', {});
  }

  /** GET /user/audit-log (newest first). */
  auditLog(page?: PageQuery & { readonly phrase?: string }): Promise<AuditEventJson[]> {
    const phrase = page?.phrase ? `&phrase=${encodeURIComponent(page.phrase)}` : '';
    return this.send('GET', `/user/audit-log?${pageQuery(page)}${phrase}`);
  }

  // ---- personal access tokens ----

  /** GET /user/personal-access-tokens */
  listTokens(page?: PageQuery): Promise<TokenJson[]> {
    return this.send('GET', `${TOKENS}?${pageQuery(page)}`);
  }

  /** GET /user/personal-access-tokens/{id} */
  token(id: number): Promise<TokenJson> {
    return this.send('GET', tokenPath(id));
  }

  /** POST /user/personal-access-tokens (the answer holds the secret). */
  createToken(body: CreateTokenRequest): Promise<TokenJson> {
    return this.send('POST', TOKENS, body);
  }

  /** PATCH /user/personal-access-tokens/{id} */
  updateToken(id: number, body: UpdateTokenRequest): Promise<TokenJson> {
    return this.send('PATCH', tokenPath(id), body);
  }

  /** POST /user/personal-access-tokens/{id}/regenerate (the answer holds the new secret). */
  regenerateToken(id: number, body: RegenerateTokenRequest): Promise<TokenJson> {
    return this.send('POST', `${tokenPath(id)}/regenerate`, body);
  }

  /** POST /user/personal-access-tokens/{id}/expire: expired at the provider's "now". */
  expireToken(id: number): Promise<TokenJson> {
    return this.send('POST', `${tokenPath(id)}/expire`);
  }

  /** DELETE /user/personal-access-tokens/{id} */
  async deleteToken(id: number): Promise<void> {
    await this.send('DELETE', tokenPath(id));
  }

  // ---- devices (OAuth device flow) ----

  /** POST /user/device-authorizations/lookup: the app and scopes a user code asks for. */
  lookUpDevice(userCode: string): Promise<DeviceAuthorizationJson> {
    return this.send('POST', `${DEVICES}/lookup`, { user_code: userCode });
  }

  /** POST /user/device-authorizations (sudo): the device gets a token with those scopes. */
  approveDevice(userCode: string): Promise<DeviceAuthorizationJson> {
    return this.send('POST', DEVICES, { user_code: userCode });
  }

  /** GET /user/device-authorizations/{id}: a device authorization this user decided. */
  deviceAuthorization(id: number): Promise<DeviceAuthorizationJson> {
    return this.send('GET', `${DEVICES}/${seg(id)}`);
  }

  // ---- repositories ----

  /** GET /user/repos */
  userRepositories(page?: PageQuery): Promise<RepositoryJson[]> {
    return this.send('GET', `/user/repos?${pageQuery(page)}`);
  }

  /** GET /orgs/{org}/repos */
  orgRepositories(org: string, page?: PageQuery): Promise<RepositoryJson[]> {
    return this.send('GET', `/orgs/${seg(org)}/repos?${pageQuery(page)}`);
  }

  /** GET /repos/{owner}/{repo} */
  repository(owner: string, repo: string): Promise<RepositoryJson> {
    return this.send('GET', `/repos/${seg(owner)}/${seg(repo)}`);
  }

  /** POST /user/repos, or POST /orgs/{org}/repos when `org` is given. */
  createRepository(body: CreateRepositoryRequest, org?: string): Promise<RepositoryJson> {
    return this.send('POST', org ? `/orgs/${seg(org)}/repos` : '/user/repos', body);
  }

  /** DELETE /repos/{owner}/{repo} */
  async deleteRepository(owner: string, repo: string): Promise<void> {
    await this.send('DELETE', `/repos/${seg(owner)}/${seg(repo)}`);
  }

  // ---- organizations: memberships, policy, approvals ----

  /** GET /user/memberships/orgs */
  orgMemberships(page?: PageQuery): Promise<MembershipJson[]> {
    return this.send('GET', `/user/memberships/orgs?${pageQuery(page)}`);
  }

  /** GET /user/memberships/orgs?state=pending: the user's invitations. */
  pendingOrgMemberships(page?: PageQuery): Promise<MembershipJson[]> {
    return this.send('GET', `/user/memberships/orgs?state=pending&${pageQuery(page)}`);
  }

  /** PATCH /user/memberships/orgs/{org} {state: active}: accepts the user's invitation. */
  acceptOrgInvitation(org: string): Promise<MembershipJson> {
    return this.send('PATCH', `/user/memberships/orgs/${seg(org)}`, { state: 'active' });
  }

  /** POST /user/orgs: the caller becomes its first owner. */
  createOrganization(body: CreateOrganizationRequest): Promise<OrganizationJson> {
    return this.send('POST', '/user/orgs', body);
  }

  /** GET /orgs/{org}/members (active members; `role` filters owners (`admin`) or members). */
  orgMembers(org: string, role: 'all' | OrgRoleJson = 'all', page?: PageQuery): Promise<SimpleUserJson[]> {
    return this.send('GET', `${orgPath(org)}/members?role=${role}&${pageQuery(page)}`);
  }

  /** GET /orgs/{org}/invitations (owners only). */
  orgInvitations(org: string, page?: PageQuery): Promise<OrgInvitationJson[]> {
    return this.send('GET', `${orgPath(org)}/invitations?${pageQuery(page)}`);
  }

  /** PUT /orgs/{org}/memberships/{username}: invites the user, or changes the member's role. */
  setOrgMembership(org: string, username: string, role: OrgRoleJson): Promise<MembershipJson> {
    return this.send('PUT', `${orgPath(org)}/memberships/${seg(username)}`, { role });
  }

  /** DELETE /orgs/{org}/memberships/{username}: removes a member, cancels an invitation, or leaves. */
  async removeOrgMembership(org: string, username: string): Promise<void> {
    await this.send('DELETE', `${orgPath(org)}/memberships/${seg(username)}`);
  }

  /** PATCH /orgs/{org}/personal-access-token-policy (owners only). */
  updateTokenPolicy(org: string, body: UpdateTokenPolicyRequest): Promise<TokenPolicyJson> {
    return this.send('PATCH', `${orgPath(org)}/personal-access-token-policy`, body);
  }

  /** GET /orgs/{org}/personal-access-token-policy (owners only). */
  tokenPolicy(org: string): Promise<TokenPolicyJson> {
    return this.send('GET', `/orgs/${seg(org)}/personal-access-token-policy`);
  }

  /** GET /orgs/{org}/personal-access-token-requests (the pending ones). */
  tokenRequests(org: string, page?: PageQuery): Promise<TokenRequestJson[]> {
    return this.send('GET', `${requestsPath(org)}?${pageQuery(page)}`);
  }

  /** GET /orgs/{org}/personal-access-token-requests/{id}/repositories */
  tokenRequestRepositories(org: string, requestId: number, page?: PageQuery): Promise<RepositoryJson[]> {
    return this.send('GET', `${requestsPath(org)}/${seg(requestId)}/repositories?${pageQuery(page)}`);
  }

  /** POST /orgs/{org}/personal-access-token-requests/{id}: approve or deny one request. */
  async reviewTokenRequest(org: string, requestId: number, body: ReviewTokenRequest): Promise<void> {
    await this.send('POST', `${requestsPath(org)}/${seg(requestId)}`, body);
  }

  /** POST /orgs/{org}/personal-access-token-requests: approve or deny several at once. */
  async reviewTokenRequests(org: string, body: ReviewTokenRequests): Promise<void> {
    await this.send('POST', requestsPath(org), body);
  }
}

/**
 * Every item of a paged list: pages of PAGE_SIZE until one comes back short (or `maxPages`).
 * `fetchPage` gets the page number.
 */
export async function allPages<T>(fetchPage: (page: PageQuery) => Promise<T[]>, maxPages: number): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const batch = await fetchPage({ page, perPage: PAGE_SIZE });
    if (!Array.isArray(batch)) break;
    all.push(...batch);
    if (batch.length < PAGE_SIZE) break;
  }
  return all;
}

/** The API as a signed-in account (its admin token; sudo re-prompted by the core). */
export function accountApi(services: Pick<TesseraServices, 'api'>, accountId: string): ProviderApi {
  return new ProviderApi((method, path, body) => services.api(accountId, method, path, body));
}

/** The API with explicit credentials (or none): sign-in, sign-up, calls with a given token. */
export function originApi(client: Pick<HttpClient, 'json'>, origin: string, opts: { readonly auth?: Credentials; readonly otp?: string } = {}): ProviderApi {
  return new ProviderApi((method, path, body) => client.json(origin, method, API_PREFIX + path, { ...opts, ...(body !== undefined ? { body } : {}) }));
}
