// The JSON of GET/PATCH /orgs/{org}/personal-access-token-policy.
import type { TokenPolicyJson, UpdateTokenPolicyRequest } from '../../shared/api-types';
import type { TokenPolicyRecord } from '../store/organizations';

export type TokenPolicyPatch = UpdateTokenPolicyRequest;

export function tokenPolicyJson(p: TokenPolicyRecord): TokenPolicyJson {
  return {
    classic_tokens: p.classicTokens,
    require_approval: p.requireApproval,
    max_lifetime_days: { classic: p.maxLifetimeClassicDays, fine_grained: p.maxLifetimeFineGrainedDays },
    sso_required: p.ssoRequired,
  };
}

export function policyUpdate(body: TokenPolicyPatch): Partial<TokenPolicyRecord> {
  const out: Partial<TokenPolicyRecord> = {};
  if (body.classic_tokens !== undefined) out.classicTokens = body.classic_tokens;
  if (body.require_approval !== undefined) out.requireApproval = body.require_approval;
  if (body.max_lifetime_days?.classic !== undefined) out.maxLifetimeClassicDays = body.max_lifetime_days.classic;
  if (body.max_lifetime_days?.fine_grained !== undefined) out.maxLifetimeFineGrainedDays = body.max_lifetime_days.fine_grained;
  if (body.sso_required !== undefined) out.ssoRequired = body.sso_required;
  return out;
}

const days = { type: 'integer', minimum: 1, maximum: 366 } as const;

export const tokenPolicyPatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    classic_tokens: { type: 'string', enum: ['allowed', 'restricted'] },
    require_approval: { type: 'boolean' },
    max_lifetime_days: {
      type: 'object',
      additionalProperties: false,
      properties: { classic: { anyOf: [days, { type: 'null' }] }, fine_grained: days },
    },
    sso_required: { type: 'boolean' },
  },
} as const;
