// listPage (src/provider/http/pagination.ts): a page of a list and the list's total, read with one
// row more than the page shows, so the list is counted only when more pages follow it or the page
// lies past the end. For any list length, page size and page number: the page's items, the exact
// total, and a count only when the page cannot tell the total itself.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { listPage } from '../../src/provider/http/pagination';

describe('provider: listPage', () => {
  it('gives the page and the exact total, counting only when the page cannot tell it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(60), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9 }), async (length, perPage, page) => {
        const all = Array.from({ length }, (_, i) => i);
        const offset = (page - 1) * perPage;
        let counted = 0;
        const got = await listPage(
          { limit: perPage, offset },
          async (window) => all.slice(window.offset, window.offset + window.limit),
          async () => {
            counted++;
            return length;
          },
        );
        assert.deepEqual(got.items, all.slice(offset, offset + perPage));
        assert.equal(got.total, length);
        const morePagesFollow = length > offset + perPage;
        const pastTheEnd = offset > 0 && length <= offset;
        assert.equal(counted, morePagesFollow || pastTheEnd ? 1 : 0, `length ${length}, per page ${perPage}, page ${page}`);
      }),
    );
  });

  it('asks the store for one row more than the page shows, at the page offset', async () => {
    const windows: { limit: number; offset: number }[] = [];
    await listPage({ limit: 30, offset: 60 }, async (window) => (windows.push(window), []), async () => 0);
    assert.deepEqual(windows, [{ limit: 31, offset: 60 }]);
  });
});
