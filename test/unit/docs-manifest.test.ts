// What README.md and docs/*.md tell a newcomer to type or set matches the extension manifest: a
// command named as the palette shows it ("Tessera: …") is a contributed command's title, and a
// setting's default written next to its name is the manifest's default.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, { default?: unknown }> } | { properties: Record<string, { default?: unknown }> }[];
  };
};

/** Every document a newcomer reads, with line breaks and runs of spaces as one space. */
const documents = [path.join(ROOT, 'README.md'), ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join(ROOT, 'docs', f))].map((file) => ({
  name: path.relative(ROOT, file),
  text: readFileSync(file, 'utf8').replace(/\s+/g, ' '),
}));

const paletteTitles = manifest.contributes.commands.map((c) => (c.category ? `${c.category}: ${c.title}` : c.title));
const settings = Object.assign({}, ...[manifest.contributes.configuration].flat().map((c) => c.properties)) as Record<string, { default?: unknown }>;

describe('docs against the extension manifest', () => {
  it('every command written as the palette shows it (**Tessera: …** or "Tessera: …") is a contributed command', () => {
    const named = documents.flatMap((d) => [...d.text.matchAll(/(?:\*\*|")(Tessera: [^*"]+)(?:\*\*|")/g)].map((m) => ({ doc: d.name, title: m[1] })));
    assert.ok(named.length >= 5, `${named.length} commands named`);
    assert.deepEqual(
      named.filter((n) => !paletteTitles.includes(n.title)),
      [],
      'titles the palette does not show',
    );
  });

  it('every contributed setting is in README.md, and a default written next to one is the manifest default', () => {
    const readme = documents.find((d) => d.name === 'README.md')!.text;
    assert.deepEqual(
      Object.keys(settings).filter((name) => !readme.includes(`\`${name}\``)),
      [],
      'settings README.md does not mention',
    );
    const stated = documents.flatMap((d) =>
      [...d.text.matchAll(/`(tessera\.\w+)` (?:\(default `?([^)`]+)`?\)|= `([^`]+)`)/g)].map((m) => ({ doc: d.name, name: m[1], value: m[2] ?? m[3] })),
    );
    assert.ok(stated.length >= 2, JSON.stringify(stated));
    assert.deepEqual(
      stated.filter((s) => !(s.name in settings) || String(settings[s.name].default) !== s.value),
      [],
      'defaults that are not the manifest defaults',
    );
  });
});
