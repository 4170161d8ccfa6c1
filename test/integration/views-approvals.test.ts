// The Approvals tree and fine-grained tokens in the Tokens tree, in the real extension host against
// a real provider (in-process, 127.0.0.1): an org that requires approval, a member's pending
// requests listed with requester, repositories, permissions and justification; approving several
// at once (the bulk endpoint, as a multi-selection does) and denying with a reason; the member's
// tree shows "pending approval", then active / "denied: <reason>"; the watcher remembers statuses.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { signIn } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { createUser, type TestUser } from '../builders/users';
import type { AccountInfo } from '../../src/extension/services';
import { DirectServices } from './views-direct-services';
import { MapMemento } from './core-helpers';
import { OrgViewModel } from '../../src/extension/views/org-view-model';
import { ApprovalsTreeProvider, OrgNode, RequestNode } from '../../src/extension/views/approvals-tree';
import { reviewRequests } from '../../src/extension/views/approval-commands';
import { TokenViewModel } from '../../src/extension/views/token-view-model';
import { TokensTreeProvider, GroupNode, TokenNode } from '../../src/extension/views/tokens-tree';
import { ProblemItem } from '../../src/extension/views/view-errors';
import { RequestStatusWatcher, LAST_SEEN_KEY } from '../../src/extension/views/request-status-watcher';
import { uniqueName } from '../builders/unique-name';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('views: approvals and fine-grained tokens against a real provider', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let owner: TestUser;
  let member: TestUser;
  let ownerSvc: DirectServices;
  let memberSvc: DirectServices;
  let memberAccount: AccountInfo;
  const org = uniqueName('org');
  const tokenIds: Record<string, number> = {};

  before(async () => {
    t = await startTestProvider();
    owner = await createUser(t);
    member = await createUser(t);
    await createOrg(t, owner, org);
    await setPolicy(t, org, owner, { require_approval: true });
    await addMember(t, org, owner, member);
    for (const name of ['api', 'web', 'ops']) await createRepo(t, owner, org, name);
    const expires_at = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const requests: [string, 'subset' | 'all', Record<string, Record<string, string>>, string][] = [
      ['reader', 'subset', { repository: { contents: 'read' } }, 'Reads the API code'],
      ['writer', 'subset', { repository: { contents: 'write', administration: 'read' } }, 'Deploys'],
      ['auditor', 'all', { organization: { members: 'read' } }, 'Quarterly access review'],
    ];
    for (const [name, selection, permissions, justification] of requests) {
      const tok = await createFineGrainedToken(t, member, {
        name, resource_owner: org, repository_selection: selection,
        ...(selection === 'subset' ? { repositories: name === 'reader' ? ['api'] : ['api', 'web'] } : {}),
        permissions, justification, expires_at,
      });
      tokenIds[name] = tok.id;
    }
    ownerSvc = new DirectServices(t.provider.url);
    ownerSvc.signInAs(owner, (await signIn(t, owner)).token);
    memberSvc = new DirectServices(t.provider.url);
    memberAccount = memberSvc.signInAs(member, (await signIn(t, member)).token);
  });

  after(async () => {
    ownerSvc?.dispose();
    memberSvc?.dispose();
    const dir = t?.dataDir;
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows the member's tokens as pending approval, grouped under the org", async () => {
    const store = new TokenViewModel(memberSvc);
    const tree = new TokensTreeProvider(memberSvc, store);
    const roots = await tree.getChildren();
    const group = roots.find((r): r is GroupNode => r instanceof GroupNode && r.tokenKind === 'fine_grained');
    assert.ok(group, `groups: ${roots.map(labelOf).join(', ')}`);
    assert.equal(labelOf(group), `Fine-grained · ${org}`);
    assert.equal((group.iconPath as vscode.ThemeIcon).id, 'organization');
    const items = (await tree.getChildren(group)) as TokenNode[];
    const reader = items.find((i) => labelOf(i) === 'reader')!;
    assert.equal(reader.description, 'pending approval · contents: read · never used');
    assert.match(String(reader.contextValue), /^token;status=pending;kind=fine_grained$/);
    tree.dispose();
    store.dispose();
  });

  it('lists pending requests with requester, repositories, permissions and justification', async () => {
    const orgs = new OrgViewModel(ownerSvc);
    const tree = new ApprovalsTreeProvider(ownerSvc, orgs);
    let counted = -1;
    tree.onDidCount((n) => (counted = n));
    const roots = await tree.getChildren();
    assert.equal(roots.length, 1, roots.map(labelOf).join(', '));
    const orgNode = roots[0] as OrgNode;
    assert.ok(orgNode instanceof OrgNode);
    assert.equal(labelOf(orgNode), org);
    assert.equal(orgNode.description, '3 pending');
    assert.equal(counted, 3, 'the badge count');
    const requests = (await tree.getChildren(orgNode)) as RequestNode[];
    const byName = new Map(requests.map((r) => [r.request.token_name, r]));
    const writer = byName.get('writer')!;
    assert.equal(labelOf(writer), `${member.login}: writer`);
    assert.equal(writer.description, 'api, web · contents: write, administration: read');
    assert.equal(writer.contextValue, 'approvalRequest');
    assert.equal(byName.get('auditor')!.description, 'all repositories · organization members: read');
    const details = await tree.getChildren(writer);
    const rows = Object.fromEntries(details.map((d) => [labelOf(d), String(d.description)]));
    assert.equal(rows['Requester'], member.login);
    assert.equal(rows['Repositories'], 'api, web');
    assert.equal(rows['contents'], 'write');
    assert.equal(rows['Justification'], 'Deploys');
    tree.dispose();
    orgs.dispose();
  });

  it('approves several at once (bulk) and denies one with a reason; the requester sees the outcome', async () => {
    const memberStore = new TokenViewModel(memberSvc);
    const memento = new MapMemento();
    const watcher = new RequestStatusWatcher(memberSvc, memberStore, memento);
    await memberStore.tokens(memberAccount.id); // the member looks while everything is pending
    await new Promise((r) => setTimeout(r, 50));
    const seen = memento.get<Record<string, Record<string, string>>>(LAST_SEEN_KEY)![memberAccount.id]!;
    assert.equal(seen[String(tokenIds.reader)], 'pending');

    const orgs = new OrgViewModel(ownerSvc);
    const tree = new ApprovalsTreeProvider(ownerSvc, orgs);
    const orgNode = (await tree.getChildren())[0] as OrgNode;
    const requests = (await tree.getChildren(orgNode)) as RequestNode[];
    const pick = (n: string) => requests.find((r) => r.request.token_name === n)!;
    assert.equal(await reviewRequests(ownerSvc, [pick('reader'), pick('auditor')], 'approve', undefined), 2);
    assert.equal(await reviewRequests(ownerSvc, [pick('writer')], 'deny', 'Use read-only access'), 1);
    tree.refresh();
    const after = await tree.getChildren();
    assert.equal((after[0] as OrgNode).description, '0 pending');
    const empty = await tree.getChildren(after[0]);
    assert.ok(empty[0] instanceof ProblemItem && labelOf(empty[0]) === 'No pending requests');

    memberStore.invalidate();
    const tokensTree = new TokensTreeProvider(memberSvc, memberStore);
    const group = (await tokensTree.getChildren()).find((r): r is GroupNode => r instanceof GroupNode && r.tokenKind === 'fine_grained')!;
    const items = new Map(((await tokensTree.getChildren(group)) as TokenNode[]).map((i) => [labelOf(i), String(i.description)]));
    assert.equal(items.get('reader'), 'expires in 20 days · contents: read · never used');
    assert.equal(items.get('writer'), 'denied: Use read-only access · contents: write, administration: read · never used');
    await new Promise((r) => setTimeout(r, 50));
    const now = memento.get<Record<string, Record<string, string>>>(LAST_SEEN_KEY)![memberAccount.id]!;
    assert.deepEqual(
      [now[String(tokenIds.reader)], now[String(tokenIds.writer)], now[String(tokenIds.auditor)]],
      ['active', 'denied', 'active'],
    );
    watcher.dispose();
    tokensTree.dispose();
    memberStore.dispose();
    tree.dispose();
    orgs.dispose();
  });
});
