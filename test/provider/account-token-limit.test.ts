// The limit of account API tokens per org holds when owners add tokens at the same moment: the
// count and the insert are one transaction.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { MAX_ACCOUNT_TOKENS_PER_ORG } from '../../src/provider/orgs/account-token-service';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { newSession } from '../builders/sessions';
import { createOrg } from '../builders/orgs';

describe('account API token limit under concurrency', () => {
  let t: InProcessProvider;

  before(async () => {
    t = await startInProcessProvider();
  });
  after(async () => {
    await t.close();
  });

  it(`never lets an org hold more than ${MAX_ACCOUNT_TOKENS_PER_ORG}, however many are added at once`, async () => {
    const owner = await newSession(t);
    const login = await createOrg(t, owner);
    const org = (await t.store.organizations.byLogin(login))!;
    const user = (await t.store.users.byLogin(owner.user.login))!;
    // Two places left.
    for (let i = 0; i < MAX_ACCOUNT_TOKENS_PER_ORG - 2; i++) {
      const token = await t.store.tokens.create({
        userId: user.id, kind: 'account', note: `seed ${i}`, resourceOwnerType: 'Organization', resourceOwnerId: org.id, status: 'active', expiresAt: null,
        tokenLastEight: 'seedseed', hashedToken: createHash('sha256').update(randomBytes(16)).digest('hex'), createdAt: new Date(),
      });
      await t.store.accountTokens.add(token.id, org.id);
    }
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.api.post(`/orgs/${login}/account-tokens`, { token: owner.token, body: { name: `race ${i}` } })),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [...Array(2).fill(201), ...Array(10).fill(422)]);
    assert.equal(await t.store.accountTokens.count(org.id), MAX_ACCOUNT_TOKENS_PER_ORG);
  });
});
