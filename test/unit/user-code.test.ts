// The device flow's user code (shared by the provider and the extension's input box) and the
// form-encoded bodies of the OAuth endpoints.
import * as assert from 'node:assert/strict';
import { newUserCode } from '../../src/provider/oauth/device-codes';
import { parseForm } from '../../src/provider/http/form-body';
import { normalizeUserCode, USER_CODE_PATTERN } from '../../src/shared/user-code';

describe('user codes', () => {
  it('normalizes what a person types: any case, with or without the dash, spaces around', () => {
    assert.equal(normalizeUserCode('BCDF-2345'), 'BCDF-2345');
    assert.equal(normalizeUserCode('bcdf2345'), 'BCDF-2345');
    assert.equal(normalizeUserCode('  bcdf-2345 '), 'BCDF-2345');
    assert.equal(normalizeUserCode('bcdf 2345'), 'BCDF-2345');
  });

  it('refuses what cannot be a code: vowels, 0 and 1, the wrong length, very long text', () => {
    for (const bad of ['ABCD-2345', 'BCDF-0000', 'BCDF-1234', 'BCDF-234', 'BCDF-23456', '', 'x'.repeat(100), 'BCDF_2345']) {
      assert.equal(normalizeUserCode(bad), undefined, bad);
    }
  });

  it('new codes have the shape and normalize to themselves', () => {
    for (let i = 0; i < 200; i++) {
      const code = newUserCode();
      assert.match(code, USER_CODE_PATTERN);
      assert.equal(normalizeUserCode(code), code);
    }
  });
});

describe('form bodies', () => {
  it('parses fields once each, decoding + and percent escapes', () => {
    assert.deepEqual(parseForm('client_id=abc&scope=repo+read%3Aorg'), { client_id: 'abc', scope: 'repo read:org' });
    assert.deepEqual(parseForm(''), {});
  });

  it('refuses a repeated field and prototype keys (400)', () => {
    assert.throws(() => parseForm('a=1&a=2'), (e: { status?: number }) => e.status === 400);
    for (const k of ['__proto__', 'constructor', 'prototype']) {
      assert.throws(() => parseForm(`${k}=x`), (e: { status?: number }) => e.status === 400, k);
    }
  });
});
