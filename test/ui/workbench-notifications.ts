// UI helpers: notifications (toasts and the notification center) and modal dialogs.
import type { Locator, Page } from 'playwright-core';
import { DEFAULT_TIMEOUT, escapeRegExp, textMatcher } from './workbench-text';

// ---------------------------------------------------------------- notifications and dialogs

/** Waits for a notification whose message matches and returns it (its buttons are
 *  `getByRole('button', { name })`). Looks in the toasts, then in the notification center. */
export async function waitForNotification(page: Page, text: RegExp | string, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const re = typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text;
  const toast = page.locator('.notifications-toasts .notification-list-item')
    .filter({ has: page.locator('.notification-list-item-message', { hasText: re }) }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout });
    return toast;
  } catch {
    // Toasts hide after a while; the notification center keeps them.
    await page.locator('.part.statusbar [id="status.notifications"] a, .part.statusbar [id="status.notifications"]').first().click().catch(() => undefined);
    const inCenter = page.locator('.notifications-center .notification-list-item')
      .filter({ has: page.locator('.notification-list-item-message', { hasText: re }) }).first();
    // (isVisible does not wait: the center renders after the click, so wait for it.)
    if (await inCenter.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) return inCenter;
    const shown = await page.locator('.notification-list-item-message').allTextContents();
    throw new Error(`no notification matching ${re} within ${timeout} ms; notifications: ${JSON.stringify(shown)}`);
  }
}

/** Waits for a modal dialog (optionally one whose text matches) and returns it. */
export async function waitForDialog(page: Page, text?: RegExp | string, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  let dialog = page.locator('.monaco-dialog-box');
  if (text !== undefined) dialog = dialog.filter({ hasText: typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text });
  try {
    await dialog.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    const dialogs = await page.locator('.monaco-dialog-box').allTextContents();
    const notifications = await page.locator('.notification-list-item-message').allTextContents();
    throw new Error(`${(err as Error).message}\nshowing: dialogs ${JSON.stringify(dialogs)}, notifications ${JSON.stringify(notifications)}`);
  }
  return dialog.first();
}

/** Clicks a button of the showing modal dialog (e.g. 'Allow') and waits for the dialog to close. */
export async function clickDialogButton(page: Page, label: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<void> {
  const dialog = await waitForDialog(page, undefined, timeout);
  const button = dialog.locator('.dialog-buttons a.monaco-button', { hasText: textMatcher(label) }).first();
  try {
    await button.waitFor({ timeout: 5_000 });
  } catch {
    const buttons = await dialog.locator('.dialog-buttons a.monaco-button').allTextContents();
    throw new Error(`dialog has no button ${label}; buttons: ${JSON.stringify(buttons)}; text: ${JSON.stringify(await dialog.textContent())}`);
  }
  await button.click();
  await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden' });
}

// ---------------------------------------------------------------- webviews
