// Provider origins (src/extension/provider/origin.ts): what the extension accepts as a provider's
// URL, and which origin a tessera.signIn argument from another extension or a link is taken for.
import * as assert from 'node:assert/strict';
import { normalizeOrigin, requestedOrigin } from '../../src/extension/provider/origin';

describe('extension: provider origins', () => {
  it('keeps https anywhere and http on loopback only, as scheme, host and port', () => {
    assert.equal(normalizeOrigin(' https://Tessera.Example:443/path?q '), 'https://tessera.example');
    assert.equal(normalizeOrigin('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080');
    assert.equal(normalizeOrigin('http://localhost:3000'), 'http://localhost:3000');
    assert.equal(normalizeOrigin('http://tessera.example'), undefined);
    assert.equal(normalizeOrigin('http://192.0.2.1:1'), undefined);
    assert.equal(normalizeOrigin('ftp://tessera.example'), undefined);
    assert.equal(normalizeOrigin('not a url'), undefined);
  });

  it('a sign-in asked for by another extension goes only to a provider this editor knows; any other leads to the picker', () => {
    const known = new Set(['https://127.0.0.1:47443', 'https://tessera.example']);
    const isKnown = (o: string) => known.has(o);
    assert.equal(requestedOrigin({ origin: 'https://TESSERA.example/' }, isKnown), 'https://tessera.example', 'normalized, then known');
    assert.equal(requestedOrigin({ origin: 'https://127.0.0.1:47443' }, isKnown), 'https://127.0.0.1:47443');
    assert.equal(requestedOrigin({ origin: 'https://tessera-login.example' }, isKnown), undefined, 'unknown: the user picks');
    assert.equal(requestedOrigin({ origin: 'http://192.0.2.1:1' }, isKnown), undefined, 'plain http to another host');
    assert.equal(requestedOrigin({ origin: 'https://127.0.0.1:47444' }, isKnown), undefined, 'another port');
    assert.equal(requestedOrigin({ origin: 42 }, isKnown), undefined);
    assert.equal(requestedOrigin('https://tessera.example', isKnown), undefined, 'only { origin } is read');
    assert.equal(requestedOrigin(undefined, isKnown), undefined);
  });
});
