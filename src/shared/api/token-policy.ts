// An organization's token policy: GET/PATCH /orgs/{org}/personal-access-token-policy (owners only).

export interface TokenPolicyJson {
  classic_tokens: 'allowed' | 'restricted';
  require_approval: boolean;
  max_lifetime_days: { classic: number | null; fine_grained: number };
  sso_required: boolean;
}

export interface UpdateTokenPolicyRequest {
  classic_tokens?: 'allowed' | 'restricted';
  require_approval?: boolean;
  max_lifetime_days?: { classic?: number | null; fine_grained?: number };
  sso_required?: boolean;
}
