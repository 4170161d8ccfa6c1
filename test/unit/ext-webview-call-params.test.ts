// A webview call's parameters (src/extension/webviews/call-params.ts): each handler reads what it
// expects, and a wrong shape is a 'validation' error naming the method and the field.
import * as assert from 'node:assert/strict';
import { CallParams } from '../../src/extension/webviews/call-params';
import { TesseraError } from '../../src/extension/services';
import * as fc from 'fast-check';
import { expiryFromDate, expiryFromPreset, MAX_TOKEN_LIFETIME_DAYS } from '../../src/shared/token-text';
import type { ExpiryChoice } from '../../src/shared/webview-protocol';

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

  it('refuses an absurd expiry naming the field (never "Invalid time value" from making its date): days past 366, dates that are no calendar date', () => {
    const of = (expiry: unknown) => new CallParams('m', { expiry }).expiry('expiry');
    assert.deepEqual(of({ mode: 'days', days: MAX_TOKEN_LIFETIME_DAYS }), { mode: 'days', days: MAX_TOKEN_LIFETIME_DAYS });
    assert.deepEqual(of({ mode: 'date', date: '9999-12-31' }), { mode: 'date', date: '9999-12-31' }, 'how far is for the provider to say (422 naming expires_at)');
    for (const bad of [{ mode: 'days', days: 1e12 }, { mode: 'days', days: Number.MAX_SAFE_INTEGER }, { mode: 'days', days: 1e300 }, { mode: 'days', days: Infinity }, { mode: 'date', date: '2027-02-30' }, { mode: 'date', date: '+275760-09-13' }, { mode: 'date', date: '10000-01-01' }]) {
      refused(() => of(bad), 'expiry');
    }
    // Whatever a page sends, what comes back makes a date (the request's expires_at) without throwing.
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ mode: fc.constant('days'), days: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e12, 1e21, -0)) }),
          fc.record({ mode: fc.constant('date'), date: fc.oneof(fc.string(), fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString().slice(0, 10)))) }),
          fc.anything(),
        ),
        (expiry) => {
          let choice: ExpiryChoice;
          try {
            choice = of(expiry);
          } catch (e) {
            return e instanceof TesseraError && e.kind === 'validation' && e.details.fieldErrors?.[0]?.field === 'expiry';
          }
          if (choice.mode === 'days') return typeof expiryFromPreset(choice.days, Date.now()) === 'string';
          if (choice.mode === 'date') return expiryFromDate(choice.date) !== undefined;
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });
});
