// bench/tree — `npm run bench:tree`: in the real extension host (code-server + Chromium), the
// first level of the Tokens view with 1,000 tokens. Prints figures; asserts nothing.
//
// A real provider runs in-process (127.0.0.1, SQLite); one user signs in (admin:token, fresh sudo
// window) and makes 1,000 classic tokens. The views' TokensTreeProvider reads them through
// TesseraServices (a direct HTTP client: test/integration/views-direct-services.ts) and is shown in
// the workbench under the Tokens view id. Measured:
//   provider side   invalidate → first level built (all pages fetched, groups made) → the 1,000
//                   token items built (what the workbench asks for next: the group is expanded)
//   workbench       invalidate → TreeView.reveal(first group) resolved: the workbench has fetched
//                   and rendered the first level (reveal without expanding); and the same with the
//                   group expanded (groups start expanded: its 1,000 rows fetched and rendered)
import * as vscode from 'vscode';
import { startTestProvider } from '../../test/provider/helpers/provider';
import { signIn } from '../../test/builders/sessions';
import { createUser } from '../../test/builders/users';
import { DirectServices } from '../../test/integration/views-direct-services';
import { TokenViewModel } from '../../src/extension/views/token-view-model';
import { TokensTreeProvider, type TokensElement } from '../../src/extension/views/tokens-tree';

const TOKENS = 1000;
const RUNS = 5;
const CONCURRENCY = 16;

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)]!;
  return `median ${med.toFixed(1)} ms (min ${s[0]!.toFixed(1)}, max ${s[s.length - 1]!.toFixed(1)}, ${s.length} runs)`;
}

export async function run(): Promise<void> {
  await vscode.extensions.getExtension('tessera-dev.tessera')?.activate();
  const t = await startTestProvider();
  const services = new DirectServices(t.provider.url);
  let view: vscode.TreeView<TokensElement> | undefined;
  try {
    const user = await createUser(t);
    const auth = await signIn(t, user, ['admin:token', 'user']);
    const account = services.signInAs(user, auth.token);
    const made0 = process.hrtime.bigint();
    let next = 0;
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOKENS - 1) {
          const i = next++;
          await services.api(account.id, 'POST', '/user/personal-access-tokens', { name: `bench-${String(i).padStart(4, '0')}`, scopes: i % 3 ? ['repo'] : ['read:user'], expires_at: i % 7 ? expires : null });
        }
      }),
    );
    console.log(`bench/tree: made ${TOKENS - 1} tokens (+ the sign-in token) in ${ms(made0).toFixed(0)} ms`);

    const store = new TokenViewModel(services);
    const tree = new TokensTreeProvider(services, store);

    // provider side
    const firstLevel: number[] = [];
    const withItems: number[] = [];
    let count = 0;
    let groups = 0;
    for (let i = 0; i < RUNS; i++) {
      store.invalidate();
      const t0 = process.hrtime.bigint();
      const roots = await tree.getChildren();
      roots.forEach((r) => tree.getTreeItem(r));
      firstLevel.push(ms(t0));
      count = 0;
      for (const g of roots) {
        for (const c of await tree.getChildren(g)) {
          tree.getTreeItem(c);
          count++;
        }
      }
      withItems.push(ms(t0));
      groups = roots.length;
    }
    console.log(`bench/tree: provider side, first level (${groups} groups over ${count} tokens): ${stats(firstLevel)}`);
    console.log(`bench/tree: provider side, first level + its ${count} token items: ${stats(withItems)}`);

    // workbench: the Tokens view rendering the first level
    try {
      view = vscode.window.createTreeView('tessera.tokens', { treeDataProvider: tree });
    } catch (err) {
      console.log(`bench/tree: could not show the Tokens view (${err instanceof Error ? err.message : err}); workbench figure skipped`);
    }
    if (view) {
      await vscode.commands.executeCommand('tessera.tokens.focus');
      const rendered: number[] = [];
      const expanded: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let t0 = process.hrtime.bigint();
        store.invalidate(); // the view refreshes: the workbench fetches the first level again
        let roots = await tree.getChildren();
        await view.reveal(roots[0]!, { select: false, focus: false, expand: false });
        rendered.push(ms(t0));
        t0 = process.hrtime.bigint();
        store.invalidate();
        roots = await tree.getChildren();
        await view.reveal(roots[0]!, { select: false, focus: false, expand: true });
        expanded.push(ms(t0));
      }
      console.log(`bench/tree: workbench, invalidate → first level rendered (reveal resolved): ${stats(rendered)}`);
      console.log(`bench/tree: workbench, invalidate → first level + the ${count}-token group expanded: ${stats(expanded)}`);
      const under = rendered.filter((x) => x < 1000).length;
      console.log(`bench/tree: first level with ${TOKENS} tokens rendered in under a second in ${under} of ${rendered.length} runs`);
    }
    tree.dispose();
    store.dispose();
  } finally {
    view?.dispose();
    services.dispose();
    await t.close();
  }
}
