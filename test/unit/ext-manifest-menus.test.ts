// The extension manifest's menus: a view's title buttons that need an account (refreshing what an
// account sees) show only while signed in, as the views' welcome texts offer Sign In instead.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface MenuItem {
  command: string;
  when?: string;
}

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, MenuItem[]> };
};

describe('extension manifest: menus', () => {
  it('every view title Refresh button shows only while signed in', () => {
    const refreshes = manifest.contributes.menus['view/title'].filter((m) => /^tessera\.refresh/.test(m.command));
    assert.ok(refreshes.length >= 5, refreshes.map((m) => m.command).join(', '));
    const withoutSignIn = refreshes.filter((m) => !/(^|&&\s*)tessera\.signedIn(\s*&&|$)/.test(m.when ?? ''));
    assert.deepEqual(withoutSignIn.map((m) => m.command), []);
  });
});
