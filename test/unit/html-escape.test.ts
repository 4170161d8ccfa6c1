// escapeHtml (src/shared/html-escape.ts), the one escaper of the provider's pages and the
// extension's webview documents: no text can end an element or a quoted attribute.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeHtml } from '../../src/shared/html-escape';

describe('shared: escapeHtml', () => {
  it('writes the five characters that could end content or an attribute as entities', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
    assert.equal(escapeHtml('&amp;'), '&amp;amp;', 'an entity in the text stays text');
  });

  it('leaves no < > " \' and no & that does not start an entity it wrote, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = escapeHtml(text);
        assert.doesNotMatch(out, /[<>"']/);
        assert.doesNotMatch(out, /&(?!(amp|lt|gt|quot|#39);)/);
        const back = out.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
        assert.equal(back, text);
      }),
    );
  });
});
