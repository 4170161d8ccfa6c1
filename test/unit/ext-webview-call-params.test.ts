// A webview call's parameters (src/extension/webviews/call-params.ts): each handler reads what it
// expects, and a wrong shape is a 'validation' error naming the method and the field.
import * as assert from 'node:assert/strict';
import { CallParams } from '../../src/extension/webviews/call-params';
import { TesseraError } from '../../src/extension/services';

function refused(fn: () => unknown, field: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TesseraError && e.kind === 'validation' && e.details.fieldErrors?.[0]?.field === field && e.message.startsWith('m: '));
}

describe('extension: webview call parameters', () => {
  it('reads strings, ids, booleans and request bodies of the expected shape', () => {
    const p = new CallParams('m', { accountId: 'a1', tokenId: 7, isUser: true, body: { name: 'n' }, what: 'the token' });
    assert.equal(p.string('accountId'), 'a1');
    assert.equal(p.id('tokenId'), 7);
    assert.equal(p.boolean('isUser'), true);
    assert.deepEqual(p.object('body'), { name: 'n' });
    assert.equal(p.optionalString('what'), 'the token');
    assert.equal(p.optionalString('missing'), undefined);
    assert.equal(new CallParams('m', undefined).optionalString('what'), undefined, 'a call without parameters');
  });

  it('reads a string that must be one of a set, and refuses any other, naming the field', () => {
    const allowed = new Map([['tsp_given', 'the token']]);
    assert.equal(new CallParams('m', { text: 'tsp_given' }).oneOf('text', allowed, 'a secret this page shows'), 'tsp_given');
    refused(() => new CallParams('m', { text: 'rm -rf ~' }).oneOf('text', allowed, 'a secret this page shows'), 'text');
    refused(() => new CallParams('m', { text: 7 }).oneOf('text', allowed, 'a secret this page shows'), 'text');
  });

  it('refuses a wrong shape, naming the field', () => {
    refused(() => new CallParams('m', 'text'), 'params');
    refused(() => new CallParams('m', [1]), 'params');
    const p = new CallParams('m', { accountId: 1, tokenId: '7', neg: -1, frac: 1.5, isUser: 'yes', body: [] });
    refused(() => p.string('accountId'), 'accountId');
    refused(() => p.string('absent'), 'absent');
    refused(() => p.id('tokenId'), 'tokenId');
    refused(() => p.id('neg'), 'neg');
    refused(() => p.id('frac'), 'frac');
    refused(() => p.boolean('isUser'), 'isUser');
    refused(() => p.object('body'), 'body');
    refused(() => p.optionalString('accountId'), 'accountId');
  });

  it("takes an expiry only as one of the form's four choices: an unknown mode never keeps the old expiry by accident", () => {
    const of = (expiry: unknown) => new CallParams('m', { expiry }).expiry('expiry');
    assert.deepEqual(of({ mode: 'days', days: 30 }), { mode: 'days', days: 30 });
    assert.deepEqual(of({ mode: 'date', date: '2027-01-31', extra: 1 }), { mode: 'date', date: '2027-01-31' });
    assert.deepEqual(of({ mode: 'none' }), { mode: 'none' });
    assert.deepEqual(of({ mode: 'keep' }), { mode: 'keep' });
    for (const bad of [undefined, 'days', { mode: 'forever' }, { mode: 'days', days: 0 }, { mode: 'days', days: '30' }, { mode: 'date', date: '31/01/2027' }]) {
      refused(() => of(bad), 'expiry');
    }
  });
});
