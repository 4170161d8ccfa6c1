// The Server-Sent Events reader the change stream client uses (src/shared/sse-parser.ts): events
// split across chunks, comments and other fields skipped, CRLF and CR line ends, multi-line data.
import * as assert from 'node:assert/strict';
import { SseParser } from '../../src/shared/sse-parser';

describe('shared: Server-Sent Events parser', () => {
  it('dispatches an event at its blank line, across chunks; skips comments and retry/id fields', () => {
    const p = new SseParser();
    assert.deepEqual(p.push('retry: 2000\nevent: rea'), []);
    assert.deepEqual(p.push('dy\ndata: {"seq":0}\n'), []);
    assert.deepEqual(p.push('\n: heartbeat\n\nid: 7\nevent: changed\ndata: {"seq":1}\n\n'), [
      { event: 'ready', data: '{"seq":0}' },
      { event: 'changed', data: '{"seq":1}' },
    ]);
  });

  it('reads CRLF and CR line ends, joins multi-line data, names an unnamed event "message"', () => {
    const p = new SseParser();
    assert.deepEqual(p.push('data: a\r\ndata:b\r\n\r\nevent: x\rdata: y\r\r'), [
      { event: 'message', data: 'a\nb' },
      { event: 'x', data: 'y' },
    ]);
  });

  it('sends nothing for a block without data, and does not let an endless line grow without bound', () => {
    const p = new SseParser();
    assert.deepEqual(p.push('event: changed\n\n'), []);
    assert.deepEqual(p.push('x'.repeat(70 * 1024)), []);
    assert.deepEqual(p.push('\nevent: changed\ndata: 1\n\n'), [{ event: 'changed', data: '1' }]);
  });
});
