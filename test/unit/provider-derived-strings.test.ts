// DerivedStrings hands out what `make` made for a key, making it once while the key stays in the
// memo, and stays right once it holds more keys than it keeps (it starts over).
import * as assert from 'node:assert/strict';
import { DerivedStrings } from '../../src/provider/derived-strings';

describe('provider DerivedStrings', () => {
  it('makes the strings of a key once and hands the same ones out again', () => {
    const memo = new DerivedStrings<{ url: string }>();
    let made = 0;
    const make = (key: string) => () => {
      made++;
      return { url: `https://example.test/${key}` };
    };
    const first = memo.get('a', make('a'));
    assert.equal(memo.get('a', make('a')), first);
    assert.equal(made, 1);
    assert.deepEqual(memo.get('b', make('b')), { url: 'https://example.test/b' });
    assert.equal(made, 2);
  });

  it('answers every key right past the number it keeps, making a key again once it was dropped', () => {
    const memo = new DerivedStrings<string>(3);
    let made = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10; i++) {
        assert.equal(
          memo.get(`k${i}`, () => {
            made++;
            return `v${i}`;
          }),
          `v${i}`,
        );
      }
    }
    // Ten keys cycling through a memo of three: every look-up past the first three of a start-over makes its strings again.
    assert.equal(made, 30);
  });
});
