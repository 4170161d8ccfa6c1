// The views' data side inside the real extension host, against a real provider (in-process,
// 127.0.0.1, real HTTP + SQLite): the Tokens tree's groups and item texts, the warning state near
// expiry, the expiry status bar item, the request-status watcher, the Accounts tree, and the
// "provider is down" item with recovery when the provider comes back on the same port.
//
// The views reach the provider only through TesseraServices (src/extension/services.ts). Here that
// seam is a direct client (./views-direct-services.ts: real HTTP with the account's admin:token,
// errors mapped to TesseraError the way the core maps them) so these tests do not depend on the core's
// interactive sign-in; the UI tests (test/ui/views-*.test.ts) run the views on the real core.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import { signIn } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { createUser, type TestUser } from '../builders/users';
import type { AccountInfo } from '../../src/extension/services';
import { DirectServices } from './views-direct-services';
import { MapMemento } from './core-helpers';
import { TokenViewModel } from '../../src/extension/views/token-view-model';
import { OrgViewModel } from '../../src/extension/views/org-view-model';
import { TokensTreeProvider, GroupNode, TokenNode, TokenDecorationProvider, groupTokens } from '../../src/extension/views/tokens-tree';
import { AccountsTreeProvider, AccountItem } from '../../src/extension/views/accounts-tree';
import { ProblemItem } from '../../src/extension/views/view-errors';
import { ExpiryStatusBar } from '../../src/extension/status-bar/expiry-status-bar';
import { RequestStatusWatcher, LAST_SEEN_KEY, decidedSince } from '../../src/extension/views/request-status-watcher';
import { expiryText, stateText, lastUsedText, scopeSummary, permissionSummary, isExpiringSoon, DAY_MS, expiryFromDate } from '../../src/shared/token-text';
import type { TokenJson as PersonalAccessToken } from '../../src/shared/api-types';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

describe('views: token texts', () => {
  const now = Date.parse('2030-01-10T12:00:00Z');
  const base: PersonalAccessToken = {
    id: 1, name: 't', kind: 'classic', scopes: ['repo'], expires_at: null, status: 'active', created_at: '2030-01-01T00:00:00Z', last_used_at: null, token_last_eight: 'abcdefgh',
    description: null, status_reason: null, updated_at: '2030-01-01T00:00:00Z', url: 'https://tessera.test/api/v3/user/personal-access-tokens/1',
  };

  it('describes expiry as "expires in N days", "expired" and "no expiry"', () => {
    assert.equal(expiryText({ ...base, expires_at: new Date(now + 5 * DAY_MS).toISOString() }, now), 'expires in 5 days');
    assert.equal(expiryText({ ...base, expires_at: new Date(now + 1 * DAY_MS).toISOString() }, now), 'expires in 1 day');
    assert.equal(expiryText({ ...base, expires_at: new Date(now + 3 * 3600_000).toISOString() }, now), 'expires in 3 hours');
    assert.equal(expiryText({ ...base, expires_at: new Date(now - 1000).toISOString() }, now), 'expired');
    assert.equal(expiryText({ ...base, status: 'expired', expires_at: new Date(now + 5 * DAY_MS).toISOString() }, now), 'expired');
    assert.equal(expiryText(base, now), 'no expiry');
  });

  it('shows pending and denied (with the reason) instead of the expiry', () => {
    assert.equal(stateText({ ...base, status: 'pending' }, now), 'pending approval');
    assert.equal(stateText({ ...base, status: 'denied', status_reason: 'use read-only' }, now), 'denied: use read-only');
    assert.equal(stateText({ ...base, status: 'denied' }, now), 'denied');
  });

  it('warns within 7 days of expiry and the last fifth of the lifetime, only for usable tokens', () => {
    // base was made (and last updated) 9.5 days before now
    const in1 = new Date(now + 1 * DAY_MS).toISOString();
    const in3 = new Date(now + 3 * DAY_MS).toISOString();
    assert.equal(isExpiringSoon({ ...base, expires_at: in1 }, now), true, '1 day of 10.5 left');
    assert.equal(isExpiringSoon({ ...base, expires_at: in3 }, now), false, '3 days of 12.5 left: more than a fifth');
    assert.equal(isExpiringSoon({ ...base, expires_at: new Date(now + 8 * DAY_MS).toISOString() }, now), false);
    assert.equal(isExpiringSoon({ ...base, expires_at: in1, status: 'denied' }, now), false);
    assert.equal(isExpiringSoon({ ...base, expires_at: new Date(now - DAY_MS).toISOString() }, now), false);
  });

  it('summarizes last use, scopes and permissions', () => {
    assert.equal(lastUsedText(base, now), 'never used');
    assert.equal(lastUsedText({ ...base, last_used_at: new Date(now - 2 * DAY_MS).toISOString() }, now), 'used 2 days ago');
    assert.equal(scopeSummary(['user:email', 'user', 'repo']), 'repo, user');
    assert.equal(scopeSummary([]), 'no scopes (public read)');
    assert.equal(
      permissionSummary({ permissions: { repository: { metadata: 'read', contents: 'write' }, organization: { members: 'read' } } }),
      'contents: write, organization members: read',
    );
  });

  it('parses custom expiry dates strictly', () => {
    assert.equal(expiryFromDate('2031-02-03'), '2031-02-03T23:59:59.000Z');
    assert.equal(expiryFromDate('2031-02-30'), undefined);
    assert.equal(expiryFromDate('tomorrow'), undefined);
  });

  it("a denied token's tooltip names when it was requested and denied; every tooltip its creation and last use", () => {
    const denied = new TokenNode('acct', { ...base, kind: 'fine_grained', resource_owner: 'acme', status: 'denied', status_reason: 'too broad', updated_at: '2030-01-03T09:30:00Z' }, now);
    const unescape = (md: string) => md.replace(/\\(.)/g, '$1'); // the Markdown escapes
    const text = unescape(denied.buildTooltip().value);
    assert.match(text, /Requested 2030-01-01 00:00:00 UTC · denied 2030-01-03 09:30:00 UTC/);
    assert.match(text, /Denied because: too broad/);
    const used = unescape(new TokenNode('acct', { ...base, last_used_at: '2030-01-09T08:00:00Z' }, now).buildTooltip().value);
    assert.match(used, /Created 2030-01-01 00:00:00 UTC/);
    assert.match(used, /used 1 day ago \(2030-01-09 08:00:00 UTC\)/);
  });

  it('groups tokens: classic first, then fine-grained by owner with the user first', () => {
    const fg = (id: number, owner: string): PersonalAccessToken => ({ ...base, id, name: `fg${id}`, kind: 'fine_grained', resource_owner: owner, scopes: undefined, permissions: {} });
    const groups = groupTokens('acc', 'alice', [fg(1, 'zeta'), { ...base, id: 2, name: 'b' }, fg(3, 'alice'), fg(4, 'acme'), { ...base, id: 5, name: 'a' }]);
    assert.deepEqual(groups.map((g) => g.label), ['Classic', 'Fine-grained · alice', 'Fine-grained · acme', 'Fine-grained · zeta']);
    assert.deepEqual(groups[0]!.tokens.map((t) => t.name), ['a', 'b']);
  });

  it('remembers only statuses and reports pending → approved/denied', () => {
    const tok = (id: number, status: PersonalAccessToken['status']): PersonalAccessToken => ({ ...base, id, kind: 'fine_grained', status });
    assert.deepEqual(decidedSince(undefined, [tok(1, 'active')]), []);
    const changes = decidedSince({ '1': 'pending', '2': 'pending', '3': 'active' }, [tok(1, 'active'), tok(2, 'denied'), tok(3, 'active')]);
    assert.deepEqual(changes.map((c) => [c.token.id, c.to]), [[1, 'active'], [2, 'denied']]);
  });
});

describe('views: trees against a real provider', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let services: DirectServices;
  let user: TestUser;
  let account: AccountInfo;
  let dataDir: string;
  const disposables: vscode.Disposable[] = [];

  before(async () => {
    t = await startTestProvider({ keepDataDir: true });
    dataDir = t.dataDir;
    services = new DirectServices(t.provider.url);
    user = await createUser(t);
    const auth = await signIn(t, user, ['admin:token', 'user']);
    account = services.signInAs(user, auth.token);
  });

  after(async () => {
    for (const d of disposables.splice(0)) d.dispose();
    services?.dispose();
    await t?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows nothing (the welcome view) when nobody is signed in', async () => {
    const empty = new DirectServices(t.provider.url);
    const store = new TokenViewModel(empty);
    const tree = new TokensTreeProvider(empty, store);
    assert.deepEqual(await tree.getChildren(), []);
    const accounts = new AccountsTreeProvider(empty, new OrgViewModel(empty));
    assert.deepEqual(await accounts.getChildren(), []);
    tree.dispose();
    store.dispose();
    empty.dispose();
  });

  it('groups classic tokens and describes each with expiry, scopes and last use; warns near the end of a lifetime', async () => {
    await createClassicToken(t, user, { name: 'deploy', scopes: ['repo'], expires_at: iso(30 * DAY_MS - 3600_000) });
    // 'soon' was made 60 days ago and has 3 days left: expiring. 'week' was made now for 3 days: not yet.
    const providerNow = t.clock.now().getTime();
    t.clock.set(providerNow - 60 * DAY_MS);
    try {
      await createClassicToken(t, user, { name: 'soon', scopes: ['read:user'], expires_at: iso(3 * DAY_MS - 3600_000) });
    } finally {
      t.clock.set(providerNow);
    }
    await createClassicToken(t, user, { name: 'week', scopes: ['read:user'], expires_at: iso(3 * DAY_MS - 3600_000) });
    await createClassicToken(t, user, { name: 'forever', scopes: [], expires_at: null });
    const store = new TokenViewModel(services);
    const tree = new TokensTreeProvider(services, store);
    const roots = await tree.getChildren();
    const classic = roots.find((r): r is GroupNode => r instanceof GroupNode && r.tokenKind === 'classic');
    assert.ok(classic, `no Classic group in ${roots.map(labelOf).join(', ')}`);
    assert.equal(classic.description, `${classic.tokens.length} tokens`);
    const items = (await tree.getChildren(classic)) as TokenNode[];
    const byName = new Map(items.map((i) => [labelOf(i), i]));
    // the sign-in authorization (admin:token, user) is a classic token too
    for (const n of ['deploy', 'soon', 'week', 'forever']) assert.ok(byName.has(n), `missing ${n} in ${[...byName.keys()].join(', ')}`);
    assert.match(String(byName.get('deploy')!.description), /^expires in 30 days · repo · never used$/);
    assert.match(String(byName.get('soon')!.description), /^expires in 3 days · read:user · never used$/);
    assert.match(String(byName.get('forever')!.description), /^no expiry · no scopes \(public read\) · never used$/);
    const soon = byName.get('soon')!;
    assert.match(String(soon.contextValue), /^token;status=active;kind=classic;expiring$/);
    assert.equal((soon.iconPath as vscode.ThemeIcon).id, 'warning');
    const deco = new TokenDecorationProvider().provideFileDecoration(soon.resourceUri!);
    assert.equal(deco?.badge, '!');
    assert.equal(new TokenDecorationProvider().provideFileDecoration(byName.get('deploy')!.resourceUri!), undefined);
    const week = byName.get('week')!;
    assert.match(String(week.description), /^expires in 3 days · read:user · never used$/);
    assert.match(String(week.contextValue), /^token;status=active;kind=classic$/, 'a token made for 3 days is not expiring when it is made');
    assert.equal(new TokenDecorationProvider().provideFileDecoration(week.resourceUri!), undefined);
    assert.equal(byName.get('deploy')!.command?.command, 'tessera.inspectToken');
    assert.equal(tree.getParent(soon), classic);
    tree.dispose();
    store.dispose();
  });

  it('shows the expiry status bar item for the token expiring in 3 days', async () => {
    const store = new TokenViewModel(services);
    const bar = new ExpiryStatusBar(services, store);
    disposables.push(bar, store);
    await store.loadAll();
    bar.update();
    const s = bar.state;
    assert.equal(s.visible, true);
    assert.equal(s.tokens.length, 1);
    assert.equal(s.text, '$(warning) “soon” expires in 3 days');
    const cmd = bar.item.command as vscode.Command;
    assert.equal(cmd.command, 'tessera.inspectToken');
    assert.deepEqual(cmd.arguments, [{ accountId: account.id, tokenId: s.tokens[0]!.token.id }]);
  });

  it('refreshes after a change: onDidInvalidate re-renders, the next load sees the new token', async () => {
    const store = new TokenViewModel(services);
    const tree = new TokensTreeProvider(services, store);
    let fired = 0;
    const sub = tree.onDidChangeTreeData(() => fired++);
    const before = (await store.tokens(account.id)).length;
    await createClassicToken(t, user, { name: 'later', scopes: ['repo'], expires_at: iso(10 * DAY_MS) });
    assert.equal((await store.tokens(account.id)).length, before, 'served from the cache until invalidated');
    store.invalidate();
    assert.equal(fired, 1);
    assert.equal((await store.tokens(account.id)).length, before + 1);
    sub.dispose();
    tree.dispose();
    store.dispose();
  });

  it('re-renders a shown tree only once what it would show differs, the list or a row’s text (its items keep their handles meanwhile)', async () => {
    const store = new TokenViewModel(services);
    const tree = new TokensTreeProvider(services, store);
    let fired = 0;
    const sub = tree.onDidChangeTreeData(() => fired++);
    /** Resolves once `count` lists have come back (each invalidation loads one; none is cancelled). */
    const loaded = (count = 1) => new Promise<void>((resolve) => {
      let left = count;
      const sub = store.onDidLoad(() => {
        if (--left > 0) return;
        sub.dispose();
        resolve();
      });
    });
    const settled = () => new Promise((resolve) => setImmediate(resolve)); // (the comparison runs in the load's promise chain)
    await tree.getChildren(); // the tree shows the list
    let reloaded = loaded();
    store.invalidate();
    assert.equal(fired, 0, 'not at once: the tree keeps its items while the list reloads');
    await reloaded;
    await settled();
    assert.equal(fired, 0, 'the same list: no re-render');
    await createClassicToken(t, user, { name: 'newer', scopes: ['repo'], expires_at: iso(10 * DAY_MS) });
    reloaded = loaded();
    store.invalidate();
    assert.equal(fired, 0);
    await reloaded;
    await settled();
    assert.equal(fired, 1, 'a new token: re-rendered once the list is in');
    const roots = await tree.getChildren();
    const classic = roots.find((r): r is GroupNode => r instanceof GroupNode && r.tokenKind === 'classic')!;
    assert.ok(classic.tokens.some((x) => x.name === 'newer'), 'served from the reloaded list');
    reloaded = loaded(2);
    store.invalidate();
    store.invalidate();
    await reloaded; // both loads: the first one's list must not be taken for the next step's
    await settled();
    assert.equal(fired, 1, 'two invalidations of the same list: still no re-render');
    // The same list, but a row would read differently now (as "expires in …" / "used …" do as time passes).
    services.signInToken = classic.tokens.find((x) => x.name === 'newer')!.id;
    try {
      reloaded = loaded();
      store.invalidate();
      await reloaded;
      await settled();
      assert.equal(fired, 2, 'a row that reads differently: re-rendered');
    } finally {
      services.signInToken = undefined;
    }
    sub.dispose();
    tree.dispose();
    store.dispose();
  });

  it('lists the account with its provider and 2FA state in the Accounts tree', async () => {
    const tree = new AccountsTreeProvider(services, new OrgViewModel(services));
    const roots = await tree.getChildren();
    assert.equal(roots.length, 1);
    const item = roots[0] as AccountItem;
    assert.equal(labelOf(item), user.login);
    assert.match(String(item.description), /· 2FA off$/);
    assert.equal(item.contextValue, 'account;2fa=off');
    const details = await tree.getChildren(item);
    const twofa = details.find((d) => labelOf(d) === 'Two-factor authentication');
    assert.equal(twofa?.command?.command, 'tessera.setupTwoFactor');
    tree.markTwoFactor(account.id, true);
    const again = (await tree.getChildren())[0] as AccountItem;
    assert.equal(again.contextValue, 'account;2fa=on');
    tree.markTwoFactor(account.id, false);
    const off = (await tree.getChildren())[0] as AccountItem;
    assert.equal(off.contextValue, 'account;2fa=off');
    tree.dispose();
  });

  it('notifies about decided requests from remembered statuses, storing statuses only', async () => {
    const store = new TokenViewModel(services);
    const memento = new MapMemento();
    const watcher = new RequestStatusWatcher(services, store, memento);
    await store.tokens(account.id);
    await new Promise((r) => setTimeout(r, 50));
    const seen = memento.get<Record<string, Record<string, string>>>(LAST_SEEN_KEY);
    assert.ok(seen && seen[account.id], 'statuses recorded for the account');
    const json = JSON.stringify(seen);
    assert.ok(!/ts[pfa]_[0-9A-Za-z]{20,}/.test(json), 'no secret in globalState');
    for (const v of Object.values(seen[account.id]!)) assert.ok(['active', 'pending', 'denied', 'expired', 'revoked'].includes(v));
    watcher.dispose();
    store.dispose();
  });

  it('shows "Provider at … is not reachable — Retry" when the provider is down, and recovers when it is back', async () => {
    const port = Number(new URL(t.provider.url).port);
    const store = new TokenViewModel(services);
    const tree = new TokensTreeProvider(services, store);
    const accounts = new AccountsTreeProvider(services, new OrgViewModel(services));
    const before = await tree.getChildren();
    assert.ok(before.some((r) => r instanceof GroupNode));

    await t.provider.close();
    // the core has not noticed yet: the call fails (connection refused) and the view says so,
    // instead of a spinner (a call that never ended would hold this test past its timeout)
    store.invalidate();
    const down = await tree.getChildren();
    assert.equal(down.length, 1);
    assert.ok(down[0] instanceof ProblemItem);
    assert.equal(labelOf(down[0]!), `Provider at ${t.provider.url} is not reachable — Retry`);
    assert.equal(down[0]!.command?.command, 'tessera.refreshTokens');
    // the core noticed (providerState().up === false): no call at all
    services.setUp(false);
    store.invalidate();
    const calls = services.calls;
    const down2 = await tree.getChildren();
    assert.equal(services.calls, calls, 'no call while the provider is known to be down');
    assert.match(labelOf(down2[0]!), /is not reachable — Retry$/);
    const acc = await accounts.getChildren();
    assert.ok(acc[0] instanceof ProblemItem, 'the Accounts view names the problem too');
    assert.ok(acc.some((a) => a instanceof AccountItem), 'and still lists the account');

    // back on the same port with the same data
    t = await startTestProvider({ dataDir, port, keepDataDir: true });
    services.setUp(true);
    store.invalidate();
    const back = await tree.getChildren();
    assert.ok(back.some((r) => r instanceof GroupNode), `recovered: ${back.map(labelOf).join(', ')}`);
    tree.dispose();
    accounts.dispose();
    store.dispose();
  });
});
