// UI helpers: the command palette and quick inputs (input boxes and picks).
import type { Locator, Page } from 'playwright-core';
import { DEFAULT_TIMEOUT, escapeRegExp, textMatcher } from './workbench-text';

// ---------------------------------------------------------------- command palette and quick input

const quickInput = (page: Page) => page.locator('.quick-input-widget');
/** The label of a quick input row (not its description or detail line). */
const QUICK_LABEL = '.quick-input-list-rows > .quick-input-list-row:first-child .label-name';
const quickInputBox = (page: Page) => page.locator('.quick-input-widget .quick-input-box input');

/** Runs a command from the command palette by its full title ('Tessera: Sign In'). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await quickInputCancelIfOpen(page);
  await page.keyboard.press('F1');
  if (!await quickInput(page).isVisible().catch(() => false)) {
    try {
      await quickInput(page).waitFor({ state: 'visible', timeout: 2_000 });
    } catch {
      // Focus may be inside a webview/iframe: give it back to the workbench and use the other binding.
      await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
      await page.keyboard.press('Control+Shift+P');
      await quickInput(page).waitFor({ state: 'visible' });
    }
  }
  await quickInputBox(page).fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator(QUICK_LABEL, { hasText: textMatcher(title) }) }).first();
  try {
    await row.waitFor({ timeout: 10_000 });
  } catch {
    const shown = await page.locator(`.quick-input-widget .quick-input-list .monaco-list-row ${QUICK_LABEL}`).allTextContents();
    await page.keyboard.press('Escape');
    throw new Error(`command "${title}" is not in the command palette (is the extension active and the command's "when" true?); it shows: ${JSON.stringify(shown)}`);
  }
  await row.click();
}

async function quickInputCancelIfOpen(page: Page): Promise<void> {
  if (await quickInput(page).isVisible()) await closeQuickInput(page);
}

/** Escape in the quick input's own box (focus may be elsewhere, e.g. inside a webview). */
async function closeQuickInput(page: Page): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await quickInputBox(page).isVisible()) await quickInputBox(page).press('Escape').catch(() => undefined);
    else await page.keyboard.press('Escape');
    try {
      await quickInput(page).waitFor({ state: 'hidden', timeout: 2_000 });
      return;
    } catch { /* try again */ }
  }
  const text = (await quickInput(page).innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
  throw new Error(`the quick input does not close on Escape; it shows: ${JSON.stringify(text)}`);
}

/** Waits for a quick input (input box or pick) to be showing; `prompt` waits for its title/prompt text. */
export async function waitForQuickInput(page: Page, prompt?: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const widget = quickInput(page);
  await widget.waitFor({ state: 'visible', timeout });
  if (prompt !== undefined) {
    const re = typeof prompt === 'string' ? new RegExp(escapeRegExp(prompt)) : prompt;
    const deadline = Date.now() + timeout;
    for (;;) {
      const text = [
        await quickInputBox(page).getAttribute('placeholder').catch(() => ''),
        await quickInputBox(page).getAttribute('aria-label').catch(() => ''),
        await widget.locator('.quick-input-title').textContent().catch(() => ''),
        await widget.locator('.quick-input-message').textContent().catch(() => ''),
      ].join('\n');
      if (re.test(text)) break;
      if (Date.now() > deadline) throw new Error(`quick input with prompt ${re} did not show; it shows: ${JSON.stringify(text)}`);
      await page.waitForTimeout(100);
    }
  }
  return widget;
}

/** Types into the showing input box (showInputBox / createInputBox) and presses Enter. */
export async function quickInputType(page: Page, text: string, options: { prompt?: string | RegExp; submit?: boolean } = {}): Promise<void> {
  await waitForQuickInput(page, options.prompt);
  const box = quickInputBox(page);
  await box.fill(text);
  if (options.submit === false) return;
  await box.press('Enter');
  // Accepted: the widget closes, or moves on to the next input (its value changes). Refused: it keeps
  // the text and shows a validation error (read it with quickInputMessage / waitForQuickInputMessage),
  // with the box enabled again (an extension's own input box is disabled while it checks the value).
  const widget = quickInput(page);
  const refused = widget.locator('.quick-input-box .monaco-inputbox.error');
  const deadline = Date.now() + DEFAULT_TIMEOUT;
  for (;;) {
    if (!await widget.isVisible()) return;
    if (await box.inputValue().catch(() => '') !== text) return;
    if (await refused.isVisible() && await box.isEnabled()) return;
    if (Date.now() > deadline) {
      const shown = (await widget.innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
      throw new Error(`the quick input neither took nor refused ${JSON.stringify(text)}; it shows: ${JSON.stringify(shown)}`);
    }
    await page.waitForTimeout(50);
  }
}

/** The text in the showing input box (`prompt` waits for that box first). */
export async function quickInputValue(page: Page, options: { prompt?: string | RegExp } = {}): Promise<string> {
  await waitForQuickInput(page, options.prompt);
  return quickInputBox(page).inputValue();
}

/** Whether the showing input box masks its text (password: true). */
export async function quickInputIsPassword(page: Page): Promise<boolean> {
  await waitForQuickInput(page);
  return (await quickInputBox(page).getAttribute('type')) === 'password';
}

/** The showing quick input's message (prompt or validation error). */
export async function quickInputMessage(page: Page): Promise<string> {
  await waitForQuickInput(page);
  return ((await quickInput(page).locator('.quick-input-message').textContent()) ?? '').trim();
}

/** Waits until the showing quick input's message (prompt or validation error) matches `re`, and
 *  returns it; throws naming the last message when it does not within `timeout`. */
export async function waitForQuickInputMessage(page: Page, re: RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
  await waitForQuickInput(page, undefined, timeout);
  const deadline = Date.now() + timeout;
  for (;;) {
    const message = ((await quickInput(page).locator('.quick-input-message').textContent().catch(() => '')) ?? '').trim();
    if (re.test(message)) return message;
    if (Date.now() > deadline) throw new Error(`the quick input's message does not match ${re}; it says ${JSON.stringify(message)}`);
    await page.waitForTimeout(100);
  }
}

/** Labels of the items the showing quick pick lists. */
export async function quickInputItems(page: Page): Promise<string[]> {
  await waitForQuickInput(page);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor().catch(() => undefined);
  return (await page.locator(`.quick-input-widget .quick-input-list .monaco-list-row ${QUICK_LABEL}`).allTextContents()).map((s) => s.trim());
}

/** Picks an item of the showing quick pick by its label (exact string or pattern). In a
 *  multi-select pick this toggles the item; finish with Enter in the box. */
export async function quickInputPick(page: Page, label: string | RegExp, options: { prompt?: string | RegExp } = {}): Promise<void> {
  await waitForQuickInput(page, options.prompt);
  await (await waitForQuickInputItem(page, label)).click();
}

/** Waits until the showing quick pick lists an item with this label (exact string or pattern); its row. */
export async function waitForQuickInputItem(page: Page, label: string | RegExp, timeout = 10_000): Promise<Locator> {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator(QUICK_LABEL, { hasText: textMatcher(label) }) }).first();
  try {
    await row.waitFor({ timeout });
  } catch {
    throw new Error(`quick pick item ${label} not found; it shows: ${JSON.stringify(await quickInputItems(page))}`);
  }
  return row;
}

/** Cancels the showing quick input (Escape) and waits for it to close. */
export async function quickInputCancel(page: Page): Promise<void> {
  await waitForQuickInput(page);
  await closeQuickInput(page);
}
