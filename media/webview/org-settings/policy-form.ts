// The organization settings form's pure part: the token policy as form fields, which fields differ
// from the policy as loaded (only those are sent), and a reload's new policy folded into a form the
// user edited while the reload was on its way (the edited fields stay, the others follow the reload).
import type { TokenPolicyJson, UpdateTokenPolicyRequest } from '../../../src/shared/api-types';

export interface PolicyForm {
  requireApproval: boolean;
  classic: 'allowed' | 'restricted';
  maxClassic: string;
  maxFineGrained: string;
  sso: boolean;
}

export function formOf(p: TokenPolicyJson): PolicyForm {
  return {
    requireApproval: p.require_approval,
    classic: p.classic_tokens,
    maxClassic: p.max_lifetime_days.classic === null ? '' : String(p.max_lifetime_days.classic),
    maxFineGrained: String(p.max_lifetime_days.fine_grained),
    sso: p.sso_required,
  };
}

/** Whether `form` differs from the policy `saved` (as loaded). */
export function isDirty(form: PolicyForm, saved: TokenPolicyJson): boolean {
  return JSON.stringify(form) !== JSON.stringify(formOf(saved));
}

/**
 * The form after a reload brought `fresh`: each field the user changed from `was` (the policy the
 * form was loaded from) keeps the user's value; every other field shows `fresh`.
 */
export function rebase(form: PolicyForm, was: TokenPolicyJson, fresh: TokenPolicyJson): PolicyForm {
  const before = formOf(was);
  const next = formOf(fresh);
  const out = { ...next } as Record<keyof PolicyForm, unknown>;
  for (const k of Object.keys(next) as (keyof PolicyForm)[]) {
    if (form[k] !== before[k]) out[k] = form[k];
  }
  return out as unknown as PolicyForm;
}

/** A days field: '' (no cap, where allowed) or a whole number 1–366; else an error text. */
export function daysError(v: string, allowEmpty: boolean): string | undefined {
  const t = v.trim();
  if (!t) return allowEmpty ? undefined : 'Enter a number of days (1–366).';
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 366) return 'A whole number of days from 1 to 366.';
  return undefined;
}

/** The fields of `f` that differ from the policy `was` (as loaded): nothing else is sent. */
export function changes(f: PolicyForm, was: TokenPolicyJson): UpdateTokenPolicyRequest {
  const b: UpdateTokenPolicyRequest = {};
  if (f.requireApproval !== was.require_approval) b.require_approval = f.requireApproval;
  if (f.classic !== was.classic_tokens) b.classic_tokens = f.classic;
  const classicDays = f.maxClassic.trim() ? Number(f.maxClassic.trim()) : null;
  const fineGrainedDays = Number(f.maxFineGrained.trim());
  if (classicDays !== was.max_lifetime_days.classic) b.max_lifetime_days = { classic: classicDays };
  if (fineGrainedDays !== was.max_lifetime_days.fine_grained) b.max_lifetime_days = { ...b.max_lifetime_days, fine_grained: fineGrainedDays };
  if (f.sso !== was.sso_required) b.sso_required = f.sso;
  return b;
}
