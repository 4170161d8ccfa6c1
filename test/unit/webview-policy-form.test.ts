// The organization settings webview's form (media/webview/org-settings/policy-form.ts): a reload that
// lands while the user is typing keeps the typed fields and shows the reload's value for the others;
// only fields changed from the policy as loaded are sent.
import * as assert from 'node:assert/strict';
import { changes, formOf, isDirty, rebase } from '../../media/webview/org-settings/policy-form';
import type { TokenPolicyJson } from '../../src/shared/api-types';

function policy(patch: Partial<TokenPolicyJson> = {}): TokenPolicyJson {
  return {
    require_approval: false,
    classic_tokens: 'allowed',
    max_lifetime_days: { classic: null, fine_grained: 366 },
    sso_required: false,
    ...patch,
  };
}

describe('webview: the organization policy form', () => {
  it('keeps a field typed while a reload was on its way and takes the reload for the others', () => {
    const was = policy();
    const typed = { ...formOf(was), maxFineGrained: '30' };
    const fresh = policy({ require_approval: true, max_lifetime_days: { classic: null, fine_grained: 90 } });
    const form = rebase(typed, was, fresh);
    assert.equal(form.maxFineGrained, '30');
    assert.equal(form.requireApproval, true);
    // what Save sends next is the typed field only, against the reloaded policy
    assert.deepEqual(changes(form, fresh), { max_lifetime_days: { fine_grained: 30 } });
  });

  it('shows the reload as is when nothing was typed', () => {
    const was = policy();
    const fresh = policy({ classic_tokens: 'restricted', sso_required: true });
    const form = rebase(formOf(was), was, fresh);
    assert.deepEqual(form, formOf(fresh));
    assert.equal(isDirty(form, fresh), false);
  });

  it('sends nothing for a field set back to its loaded value', () => {
    const was = policy({ max_lifetime_days: { classic: 30, fine_grained: 366 } });
    const form = { ...formOf(was), maxClassic: ' 30 ' };
    assert.deepEqual(changes(form, was), {});
  });
});
