// The askpass rule after the credential helper's empty answer: git asks Tessera's credential helper
// first and, when it answers nothing, vscode.git's askpass next for the same URL. Within
// HELPER_MISS_MS of that empty answer askpass is answered nothing at once (Tessera had just nothing
// to give; asking again would offer the same prompts twice); later, and only once per empty
// answer, askpass is answered as usual. The credentials provider runs here with the window's real
// services and provider; its clock is the test's, so the rule is checked on either side of the
// limit without waiting.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CoreServices } from '../../src/extension/core-services';
import { HELPER_MISS_MS, TesseraCredentialsProvider } from '../../src/extension/git/credentials-provider';
import { createRepo } from '../builders/repos';
import { closeSignedInFixture, signedInFixture, type SignedInFixture } from './core-helpers';

describe('core: git askpass right after the credential helper answered nothing', function () {
  this.timeout(60_000);
  let f: SignedInFixture;
  let origin: string;
  let now = 1_000_000;
  let credentials: TesseraCredentialsProvider;

  before(async () => {
    f = await signedInFixture('helper-miss');
    origin = f.account.providerOrigin;
    credentials = new TesseraCredentialsProvider(f.api.services as CoreServices, { now: () => now });
    credentials.interactive = false; // no offer to create a token: an empty answer stays empty
  });
  after(async () => closeSignedInFixture(f));

  /** A repository of the user's, and a token for it this window holds once `mint` is called. */
  async function repository(name: string): Promise<{ url: string; mint: () => Promise<string> }> {
    await createRepo({ api: f.client }, f.user, undefined, name);
    return {
      url: `${origin}/${f.user.login}/${name}.git`,
      mint: async () => {
        const t = await f.api.services.api<{ id: number; token: string; status: string }>(f.account.id, 'POST', '/user/personal-access-tokens', {
          name: `git ${name}`,
          kind: 'fine_grained',
          resource_owner: f.user.login,
          repository_selection: 'subset',
          repositories: [name],
          permissions: { repository: { contents: 'write' } },
          expires_in_days: 30,
        });
        assert.equal(t.status, 'active', `token ${t.id} for ${name}`); // never the whole answer: it holds the secret
        await f.api.services.rememberTokenSecret(f.account.id, t.id, t.token);
        return t.token;
      },
    };
  }

  const askpass = (url: string) => credentials.getCredentials(vscode.Uri.parse(url));
  /** Whether askpass's answer is that token (compared here: an assertion's diff would print the secret). */
  const isToken = (answer: { username: string; password: string } | undefined, secret: string) => answer?.username === 'x-access-token' && answer.password === secret;

  it(`within ${HELPER_MISS_MS / 1000} s of the helper's empty answer askpass gets nothing at once; from then on, and on its next question, the token`, async () => {
    const early = await repository('miss-early');
    const late = await repository('miss-late');
    // The helper has nothing for either (this window holds no token for them yet).
    assert.ok((await credentials.helperCredentials(early.url)) === undefined, 'the helper answers nothing for the first');
    assert.ok((await credentials.helperCredentials(late.url)) === undefined, 'the helper answers nothing for the second');
    // Now a token for each is here: askpass would find it, when it asks.
    const earlyToken = await early.mint();
    const lateToken = await late.mint();

    now += HELPER_MISS_MS - 1;
    assert.ok((await askpass(early.url)) === undefined, 'just inside the limit: not asked again');
    assert.ok(isToken(await askpass(early.url), earlyToken), 'the rule holds once per empty answer: the next question gets the token');

    now += 1;
    assert.ok(isToken(await askpass(late.url), lateToken), 'at the limit: asked as usual, the token');
  });
});
