// The Create Token webview's request body (media/webview/create-token/request-body.ts): selected
// repositories go as ids (numbers), also those not in the list loaded now, since the provider reads
// a string as a repository's name; classic tokens send scopes only; a malformed custom date names
// its field.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { blankForm, EXPIRY_MODES, isExpiryMode, type Form } from '../../media/webview/create-token/form';
import { requestBody } from '../../media/webview/create-token/request-body';
import type { OwnerOption } from '../../src/shared/webview-protocol';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const alice: OwnerOption = { login: 'alice', isUser: true };
const acme: OwnerOption = { login: 'acme', isUser: false, role: 'member' };

function form(patch: Partial<Form>): Form {
  return { ...blankForm('acct'), name: ' deploy ', ...patch };
}

describe('webview: the Create Token request body', () => {
  it('sends the selected repositories as numeric ids, whether or not they are in the loaded list', () => {
    // 42 was just created elsewhere and 7 is no longer listed: neither may go as a name
    const body = requestBody(form({ owner: 'alice', selection: 'subset', repos: ['42', '7'] }), alice, NOW);
    assert.ok(typeof body === 'object');
    assert.deepEqual(body.repositories, [42, 7]);
    assert.equal(body.repository_selection, 'subset');
    assert.equal(body.resource_owner, 'alice');
    assert.equal(body.name, 'deploy');
  });

  it('sends no repositories unless the selection is a subset', () => {
    const body = requestBody(form({ owner: 'alice', selection: 'all', repos: ['42'] }), alice, NOW);
    assert.ok(typeof body === 'object');
    assert.equal(body.repositories, undefined);
  });

  it("keeps the permissions that apply to the owner, and a justification only for an organization", () => {
    const perms = { 'repository.contents': 'write', 'organization.members': 'read', 'account.email_addresses': 'read' } as const;
    const org = requestBody(form({ owner: 'acme', permissions: perms, justification: ' CI ' }), acme, NOW);
    assert.ok(typeof org === 'object');
    assert.deepEqual(org.permissions, { repository: { contents: 'write' }, organization: { members: 'read' } });
    assert.equal(org.justification, 'CI');
    const user = requestBody(form({ owner: 'alice', permissions: perms, justification: 'CI' }), alice, NOW);
    assert.ok(typeof user === 'object');
    assert.deepEqual(user.permissions, { repository: { contents: 'write' }, account: { email_addresses: 'read' } });
    assert.equal(user.justification, undefined);
  });

  it('sends scopes only for a classic token, and the expiry as chosen', () => {
    const classic = requestBody(form({ kind: 'classic', scopes: ['repo'], expiry: 'none', selection: 'subset', repos: ['1'] }), alice, NOW);
    assert.deepEqual(classic, { name: 'deploy', expires_at: null, scopes: ['repo'] });
    const custom = requestBody(form({ kind: 'classic', expiry: 'custom', customDate: '2030-02-01' }), alice, NOW);
    assert.ok(typeof custom === 'object');
    assert.equal(custom.expires_at, '2030-02-01T23:59:59.000Z');
  });

  it('names the expiry field for a malformed custom date', () => {
    assert.equal(requestBody(form({ expiry: 'custom', customDate: '2030-02-31' }), alice, NOW), 'expires_at');
  });

  it('names the expiry field for any expiry or date the form does not offer (a saved form may hold anything), never throwing "Invalid time value"', () => {
    for (const expiry of ['1000000000000', '1e21', 'Infinity', '0', '', 'forever']) {
      assert.equal(requestBody(form({ expiry: expiry as Form['expiry'] }), alice, NOW), 'expires_at', expiry);
    }
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom<unknown>(...EXPIRY_MODES), fc.string(), fc.integer().map(String), fc.double().map(String)), fc.string(), (expiry, customDate) => {
        const body = requestBody(form({ expiry: expiry as Form['expiry'], customDate }), alice, NOW);
        if (body === 'expires_at') return expiry === 'custom' || !isExpiryMode(expiry);
        return body.expires_at === null ? expiry === 'none' : !Number.isNaN(Date.parse(body.expires_at!));
      }),
      { numRuns: 500 },
    );
  });
});
