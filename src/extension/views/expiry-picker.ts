// Quick pick for a token's expiry: presets 7/30/60/90 days, a custom date, no expiry (where
// allowed) and, for regenerate, keeping the current one. The pick and the date box are one turn.
import { askText, inOneTurn, pick, type PickItem } from '../auth/quick-input';
import type { ExpiryChoice } from '../../shared/webview-protocol';
import { DAY_MS, MAX_TOKEN_LIFETIME_DAYS, expiryFromDate, latestExpiryDate } from '../../shared/token-text';

const EXPIRY_PRESETS = [7, 30, 60, 90] as const;

export function pickExpiry(opts: { title: string; allowNone: boolean; keepLabel?: string; now?: number }): Promise<ExpiryChoice | undefined> {
  return inOneTurn(() => expirySteps(opts));
}

async function expirySteps(opts: { title: string; allowNone: boolean; keepLabel?: string; now?: number }): Promise<ExpiryChoice | undefined> {
  const now = opts.now ?? Date.now();
  const items: PickItem<ExpiryChoice | 'custom'>[] = [];
  if (opts.keepLabel) items.push({ label: 'Keep the current expiry', description: opts.keepLabel, value: { mode: 'keep' } });
  for (const d of EXPIRY_PRESETS) {
    items.push({ label: `${d} days`, description: new Date(now + d * DAY_MS).toISOString().slice(0, 10), value: { mode: 'days', days: d } });
  }
  items.push({ label: 'Custom date…', value: 'custom' });
  if (opts.allowNone) items.push({ label: 'No expiration', description: 'not recommended', value: { mode: 'none' } });
  const picked = await pick(opts.title, items, 'When should the token expire?');
  if (picked !== 'custom') return picked;
  const date = await askText({
    title: opts.title,
    prompt: 'Expiry date (YYYY-MM-DD, end of that day UTC)',
    placeholder: new Date(now + 30 * DAY_MS).toISOString().slice(0, 10),
    validate: (v) => {
      const iso = expiryFromDate(v.trim());
      if (!iso) return 'Enter a date as YYYY-MM-DD';
      if (Date.parse(iso) <= now) return 'The date must be in the future';
      const latest = latestExpiryDate(now);
      if (v.trim() > latest) return `At most ${MAX_TOKEN_LIFETIME_DAYS} days ahead: ${latest} or earlier`;
      return undefined;
    },
  });
  if (date === undefined) return undefined;
  return { mode: 'date', date: date.trim() };
}
