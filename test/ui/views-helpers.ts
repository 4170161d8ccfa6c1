// Small helpers the UI tests share: vscode-elements fields inside webviews, tree row descriptions,
// signing up and in from the palette, waiting on a condition.
import * as fs from 'node:fs';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import type { TestProvider } from '../provider/helpers/provider';
import {
  openViewContainer, quickInputPick, quickInputType, runCommand, startWorkbench, treeItem, waitForNotification, type Workbench, type WorkbenchOptions,
} from './workbench';

/** The value of a vscode-textfield (its inner <input> lives in the shadow DOM). */
export async function fieldValue(frame: FrameLocator, testId: string): Promise<string> {
  return frame.locator(`[data-testid="${testId}"] input`).inputValue();
}

export async function fill(frame: FrameLocator, testId: string, value: string): Promise<void> {
  await frame.locator(`[data-testid="${testId}"] input, [data-testid="${testId}"] textarea`).first().fill(value);
}

/** A tree row's description (the grey text after the label). */
export async function rowDescription(page: Page, view: string, label: string): Promise<string> {
  const row = await treeItem(page, view, label);
  return ((await row.locator('.label-description').textContent()) ?? '').trim();
}

export async function waitForRowDescription(page: Page, view: string, label: string, re: RegExp, timeout = 20_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    try {
      last = await rowDescription(page, view, label);
      if (re.test(last)) return last;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`"${label}" in ${view}: description ${JSON.stringify(last)} does not match ${re}`);
    await page.waitForTimeout(250);
  }
}

/** Creates an account from the palette (Tessera: Create an Account) and waits for it in Accounts. */
export async function signUpFromPalette(page: Page, login: string, password: string): Promise<void> {
  await runCommand(page, 'Tessera: Create an Account');
  await quickInputType(page, login, { prompt: /Choose a login/ });
  await quickInputType(page, `${login}@example.test`, { prompt: /email/i });
  await quickInputType(page, password, { prompt: /Choose a password/ });
  await quickInputType(page, password, { prompt: /Type the password again/ });
  await treeItem(page, 'Accounts', login);
}

/**
 * Signs in from the palette (Tessera: Sign In) with a password, to the embedded provider or to the
 * one the settings name, and waits for "Signed in to Tessera as …".
 */
export async function signInFromPalette(page: Page, user: { readonly login: string; readonly password: string },
  provider: 'embedded' | 'configured' = 'embedded'): Promise<void> {
  await runCommand(page, 'Tessera: Sign In');
  await quickInputPick(page, provider === 'embedded' ? /Embedded provider/ : /Configured provider/, { prompt: /Choose the Tessera provider/ });
  await quickInputType(page, user.login, { prompt: /Your login/ });
  await quickInputType(page, user.password, { prompt: /Password for/ });
  await waitForNotification(page, new RegExp(`^Signed in to Tessera as ${user.login}\\b`));
}

/**
 * A workbench whose `tessera.providerUrl` is the standalone provider at `url` (other settings from
 * `options`), with the Tessera views open and `user` signed in to it from the palette.
 */
export async function workbenchSignedInTo(url: string, user: { readonly login: string; readonly password: string }, options: WorkbenchOptions = {}): Promise<Workbench> {
  const wb = await startWorkbench({ ...options, settings: { ...options.settings, 'tessera.providerUrl': url } });
  await openViewContainer(wb.page, 'Tessera');
  await signInFromPalette(wb.page, user, 'configured');
  return wb;
}

/** Closes the workbenches, then the standalone provider, and removes its data folder. */
export async function closeWorkbenchesAndProvider(t: TestProvider | undefined, ...workbenches: (Workbench | undefined)[]): Promise<void> {
  for (const wb of workbenches) await wb?.close();
  const dir = t?.dataDir;
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** Waits until `fn` answers something other than undefined, and answers it. */
export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * The colour (#rrggbb) that the PNG `file` has at the middle of `field` as it lies on the page now:
 * the PNG is decoded by the browser, in a blank page of `context`. For checking that a screenshot
 * masked a secret (playwright's mask colour is #ff00ff).
 */
export async function pngColourAtMiddleOf(context: BrowserContext, file: string, field: Locator): Promise<string> {
  const box = await field.boundingBox();
  if (!box) throw new Error('the field is not on screen');
  const x = Math.round(box.x + box.width / 2);
  const y = Math.round(box.y + box.height / 2);
  const page = await context.newPage();
  try {
    return (await page.evaluate(`(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${fs.readFileSync(file).toString('base64')}';
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const [r, gr, b] = g.getImageData(${x}, ${y}, 1, 1).data;
      return '#' + [r, gr, b].map((v) => v.toString(16).padStart(2, '0')).join('');
    })()`)) as string;
  } finally {
    await page.close();
  }
}
