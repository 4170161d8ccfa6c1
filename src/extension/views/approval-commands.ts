// Approve / deny fine-grained token requests, one or many: from the Approvals view (inline, context
// menu, multi-selection) or the palette (a multi-select quick pick). A denial asks for a reason.
// Refresh reloads the view and the organizations it lists.
import * as vscode from 'vscode';
import { accountApi } from '../api/provider-api';
import { askThenUse, pickMany } from '../auth/quick-input';
import { registerCommand } from '../commands/register-command';
import type { TesseraServices } from '../services';
import type { ApprovalsTreeProvider } from './approvals-tree';
import { RequestNode } from './approvals-tree';
import type { OrgViewModel } from './org-view-model';
import { MAX_REVIEW_REASON } from '../../shared/api-types';


/**
 * The requests a view menu passed (the clicked one, or the multi-selection). Without them (the
 * palette, a keybinding, another extension) the user picks: a request still selected in the view
 * from a while ago is never reviewed unasked.
 */
function targetsFrom(node: unknown, nodes: unknown): RequestNode[] {
  const fromArgs = Array.isArray(nodes) ? nodes.filter((n): n is RequestNode => n instanceof RequestNode) : [];
  if (fromArgs.length) return fromArgs;
  return node instanceof RequestNode ? [node] : [];
}

async function pickRequests(tree: ApprovalsTreeProvider, action: string): Promise<RequestNode[] | undefined> {
  // the palette: the requests pending now (another owner may have reviewed some since the view loaded)
  await tree.loadRequests();
  const all = tree.loadedRequests();
  if (!all.length) {
    void vscode.window.showInformationMessage('No pending token requests.');
    return undefined;
  }
  return pickMany(
    `${action} Token Requests`,
    all.map((n) => ({ label: String(n.label), description: `${n.org} · ${n.description}`, detail: n.request.reason ? `“${n.request.reason}”` : undefined, value: n })),
    'Select the requests',
  );
}

export async function reviewRequests(
  services: TesseraServices,
  targets: readonly RequestNode[],
  action: 'approve' | 'deny',
  reason: string | undefined,
): Promise<number> {
  // group by account and org: one call per org (the bulk endpoint for several)
  const groups = new Map<string, RequestNode[]>();
  for (const t of targets) {
    const k = `${t.accountId}\u0000${t.org}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(t);
  }
  let done = 0;
  for (const g of groups.values()) {
    const { accountId, org } = g[0]!;
    const api = accountApi(services, accountId);
    const extra = reason ? { reason } : {};
    if (g.length === 1) {
      await api.reviewTokenRequest(org, g[0]!.request.id, { action, ...extra });
    } else {
      await api.reviewTokenRequests(org, { pat_request_ids: g.map((n) => n.request.id), action, ...extra });
    }
    done += g.length;
  }
  return done;
}

interface ApprovalCommandDeps {
  readonly tree: ApprovalsTreeProvider;
  readonly orgs: OrgViewModel;
  /** After a review (done or failed): the trees reload. */
  readonly afterChange: () => void;
}

export function registerApprovalCommands(services: TesseraServices, deps: ApprovalCommandDeps): vscode.Disposable[] {
  const { tree, orgs } = deps;
  const review = async (action: 'approve' | 'deny', node: unknown, nodes: unknown) => {
    const verb = action === 'approve' ? 'Approve' : 'Deny';
    let targets = targetsFrom(node, nodes);
    if (!targets.length) targets = (await pickRequests(tree, verb)) ?? [];
    if (!targets.length) return;
    const who = targets.length === 1 ? `“${targets[0]!.request.token_name}” from ${targets[0]!.request.owner.login}` : `${targets.length} requests`;
    const run = async (reason?: string) =>
      vscode.window.withProgress({ location: { viewId: 'tessera.approvals' }, title: `${verb} ${who}` }, () => reviewRequests(services, targets, action, reason));
    try {
      // A denial the provider refuses (or cannot take: down) opens the box again with its reason.
      const n =
        action === 'approve'
          ? await run()
          : await askThenUse(
              {
                title: `Deny ${who}`,
                prompt: 'Reason for the denial (the requester sees it on their token)',
                placeholder: 'e.g. Use read-only access to contents',
                validate: (v) => (v.length > MAX_REVIEW_REASON ? `At most ${MAX_REVIEW_REASON} characters (${v.length})` : undefined),
              },
              (reason) => run(reason.trim() || undefined),
            );
      if (n === undefined) return; // cancelled
      void vscode.window.showInformationMessage(`${action === 'approve' ? 'Approved' : 'Denied'} ${n === 1 ? who : `${n} requests`}.`);
    } finally {
      deps.afterChange();
    }
  };
  return [
    registerCommand(services, 'tessera.approveRequest', (node?: unknown, nodes?: unknown) => review('approve', node, nodes), 'Approve token request'),
    registerCommand(services, 'tessera.denyRequest', (node?: unknown, nodes?: unknown) => review('deny', node, nodes), 'Deny token request'),
    registerCommand(
      services,
      'tessera.refreshApprovals',
      async () => {
        orgs.invalidate();
        tree.refresh();
        await orgs.updateContext();
      },
      'Refresh approvals',
    ),
  ];
}
