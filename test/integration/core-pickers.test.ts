// The palette's picks (a token's expiry, the token requests to review) are Tessera's prompts like
// any other: readable and answerable through the test API's prompts, as a person answers them
// through the workbench, and Escape in any of them changes nothing on the provider.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TokenJson, TokenRequestJson } from '../../src/shared/api-types';
import type { ViewsInternals } from '../../src/extension/views/register-views';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { closeSignedInFixture, signedInFixture, waitFor, waitForPrompt, type SignedInFixture } from './core-helpers';

describe('core: the palette’s picks', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('pickers')));
  afterEach(async () => {
    if (api.prompts.shown()) await api.prompts.cancel();
  });
  after(async () => closeSignedInFixture({ api, client, user }));

  /** Waits for Tessera's prompt matching `re`, shown by the workbench and idle. */
  const prompt = (re: RegExp) => waitForPrompt(api, re);
  const tokenOf = async (who: TestUser, id: number): Promise<TokenJson> => {
    const r = await client.get(`/user/personal-access-tokens/${id}`, { basic: { login: who.login, password: who.password } });
    assert.equal(r.status, 200, r.text);
    return r.json as TokenJson;
  };

  describe('the expiry pick (Change Token Expiry)', () => {
    let token: TokenJson;
    before(async () => {
      token = await createClassicToken({ api: client }, user, { name: uniqueName('expiring'), expires_in_days: 30 });
    });
    const change = () => Promise.resolve(vscode.commands.executeCommand('tessera.changeTokenExpiry', { accountId: account.id, tokenId: token.id }));

    it('Escape in the pick, or in the custom date box (which refuses a date past 366 days), leaves the expiry as it was', async () => {
      let running = change();
      const shown = await prompt(/When should the token expire\?/);
      assert.equal(shown.kind, 'pick');
      assert.deepEqual(shown.items, ['7 days', '30 days', '60 days', '90 days', 'Custom date…', 'No expiration']);
      await api.prompts.cancel();
      await running;
      assert.equal((await tokenOf(user, token.id)).expires_at, token.expires_at, 'Escape in the pick');

      running = change();
      await prompt(/When should the token expire\?/);
      await api.prompts.answer('Custom date…');
      const box = await prompt(/Expiry date \(YYYY-MM-DD/);
      assert.equal(box.kind, 'input');
      // a date past the longest lifetime the provider allows is refused in the box, which stays
      const tooLate = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
      await api.prompts.answer(tooLate);
      const refused = await waitFor('the box refusing the date', () => {
        const p = api.prompts.shown();
        return p?.message ? p : undefined;
      });
      assert.match(String(refused.message), /^At most 366 days ahead: \d{4}-\d{2}-\d{2} or earlier$/);
      await api.prompts.cancel();
      await running;
      assert.equal(api.prompts.shown(), undefined, 'nothing asks further');
      assert.equal((await tokenOf(user, token.id)).expires_at, token.expires_at, 'Escape in the date box');
    });

    it('a custom date typed in its box becomes the expiry (end of that day, UTC); a preset picked becomes its days', async () => {
      const date = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);
      let running = change();
      await prompt(/When should the token expire\?/);
      await api.prompts.answer('Custom date…');
      await prompt(/Expiry date \(YYYY-MM-DD/);
      await api.prompts.answer(date);
      await running;
      assert.match(String((await tokenOf(user, token.id)).expires_at), new RegExp(`^${date}T23:59:59`));

      running = change();
      await prompt(/When should the token expire\?/);
      await api.prompts.answer('7 days');
      await running;
      const days = (Date.parse(String((await tokenOf(user, token.id)).expires_at)) - Date.now()) / 86_400_000;
      assert.ok(days > 6 && days <= 7, `expires in about 7 days, not ${days}`);
    });
  });

  describe('the token requests pick (Approve / Deny Token Requests from the palette)', () => {
    let member: TestUser;
    let org: string;
    const requests: Record<string, TokenJson> = {};
    before(async () => {
      const p = { api: client };
      member = await createUser(p, { login: uniqueName('requester') });
      org = await createOrg(p, user);
      await setPolicy(p, org, user, { require_approval: true });
      await addMember(p, org, user, member);
      for (const name of ['first', 'second', 'third']) {
        requests[name] = await createFineGrainedToken(p, member, { name, resource_owner: org, repository_selection: 'all', permissions: { organization: { members: 'read' } }, justification: `for ${name}` });
        assert.equal(requests[name]!.status, 'pending');
      }
      // The Approvals view loads again (the palette’s pick loads the pending requests itself when it opens).
      await vscode.commands.executeCommand('tessera.refreshApprovals');
      const views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
      await views.approvalsTree.loadRequests();
    });
    const label = (name: string) => `${member.login}: ${name}`;
    const statusOf = async (name: string) => (await tokenOf(member, requests[name]!.id)).status;

    it('Escape in the pick denies nothing and asks for no reason', async () => {
      const running = Promise.resolve(vscode.commands.executeCommand('tessera.denyRequest'));
      const shown = await prompt(/Select the requests/);
      assert.equal(shown.kind, 'pick');
      assert.ok(['first', 'second', 'third'].every((n) => shown.items.includes(label(n))), shown.items.join(', '));
      await api.prompts.cancel();
      await running;
      assert.equal(api.prompts.shown(), undefined, 'no reason box');
      assert.deepEqual([await statusOf('first'), await statusOf('second'), await statusOf('third')], ['pending', 'pending', 'pending']);
    });

    it('the requests checked in the pick are approved, the others stay pending', async () => {
      const running = Promise.resolve(vscode.commands.executeCommand('tessera.approveRequest'));
      await prompt(/Select the requests/);
      await api.prompts.choose([label('first'), label('third')]);
      await running;
      assert.deepEqual([await statusOf('first'), await statusOf('second'), await statusOf('third')], ['active', 'pending', 'active']);
    });

    it('lists the requests pending when it opens: one another owner reviewed after the view loaded is not offered', async () => {
      const p = { api: client };
      const coOwner = await createUser(p, { login: uniqueName('co-owner') });
      await addMember(p, org, user, coOwner, 'admin');
      requests.fourth = await createFineGrainedToken(p, member, { name: 'fourth', resource_owner: org, repository_selection: 'all', permissions: { organization: { members: 'read' } } });
      const views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
      await views.approvalsTree.loadRequests();
      assert.ok(views.approvalsTree.loadedRequests().some((n) => n.request.token_name === 'fourth'), 'the view has loaded the request');
      // the other owner denies it through the API, after the view loaded
      const basic = { login: coOwner.login, password: coOwner.password };
      const queue = await client.get(`/orgs/${org}/personal-access-token-requests`, { basic });
      assert.equal(queue.status, 200, queue.text);
      const pending = (queue.json as TokenRequestJson[]).find((r) => r.token_name === 'fourth');
      assert.ok(pending, queue.text);
      const denied = await client.post(`/orgs/${org}/personal-access-token-requests/${pending.id}`, { basic, body: { action: 'deny' } });
      assert.equal(denied.status, 204, denied.text);

      const running = Promise.resolve(vscode.commands.executeCommand('tessera.approveRequest'));
      const shown = await prompt(/Select the requests/);
      assert.deepEqual(shown.items, [label('second')], 'only the request still pending');
      await api.prompts.cancel();
      await running;
      assert.equal(await statusOf('fourth'), 'denied');
    });
  });
});
