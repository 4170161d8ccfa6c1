// Finds Tessera tokens in test output and in the files a test run leaves behind: `ts[pfa]_` + 36
// base62 characters whose checksum is right (the provider's own parseToken, from the built
// out/src/shared/token-format.js), so a random look-alike is not a finding. A finding names where
// it was and the token's last four characters, never the token.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN_SHAPE = /ts[pfa]_[0-9A-Za-z]{36}/g;
/** A token split between two chunks is found: this much of the previous chunk is kept. */
const CARRY = 39;

/** The provider's token parser from the build (`npm run build` first). */
export function builtParseToken(root = ROOT) {
  const require = createRequire(import.meta.url);
  return require(path.join(root, 'out', 'src', 'shared', 'token-format.js')).parseToken;
}

/** Every well-formed token (right checksum) in `text`. */
export function tokensIn(text, parseToken) {
  const found = [];
  for (const m of text.matchAll(TOKEN_SHAPE)) if (parseToken(m[0])) found.push(m[0]);
  return found;
}

/** How a finding is shown: the kind prefix and the last four characters only. */
export function masked(token) {
  return `${token.slice(0, 4)}…${token.slice(-4)}`;
}

/** Scans a stream of text chunks (a layer's output); `findings` holds each token once. */
export class StreamScanner {
  constructor(parseToken) {
    this.parseToken = parseToken;
    this.carry = '';
    this.found = new Set();
  }

  feed(chunk) {
    const text = this.carry + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    for (const t of tokensIn(text, this.parseToken)) this.found.add(t);
    this.carry = text.slice(-CARRY);
  }

  get findings() {
    return [...this.found];
  }
}

/** Every file under `dir` (recursively) holding a token: [{ file, tokens }]. Missing dir: none. */
export function scanFolder(dir, parseToken, maxBytes = 64 * 1024 * 1024) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size <= maxBytes) {
        // latin1 keeps every byte one character: a token in a binary file (a database page) is found too.
        const tokens = [...new Set(tokensIn(fs.readFileSync(p).toString('latin1'), parseToken))];
        if (tokens.length) out.push({ file: p, tokens });
      }
    }
  };
  walk(dir);
  return out;
}
