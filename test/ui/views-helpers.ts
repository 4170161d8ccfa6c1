// Small Playwright helpers for the views' UI tests (test/ui/views-*.test.ts): vscode-elements
// fields inside webviews, and tree row descriptions.
import type { FrameLocator, Page } from 'playwright-core';
import { quickInputType, runCommand, treeItem } from './workbench';

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
