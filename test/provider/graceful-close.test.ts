// Closing the provider (what `tessera serve` does on SIGTERM or SIGINT) answers the requests in
// flight before it ends, instead of cutting their connections: a request held past authorization
// (a preHandler hook) while the close begins gets its answer, and the close waits for it; an open
// event stream is ended by the close, not waited for.
import * as assert from 'node:assert/strict';
import { ApiClient } from '../builders/api-client';
import { newSession } from '../builders/sessions';
import { openEventStream } from './helpers/event-stream';
import { startInProcessProvider } from './helpers/in-process-provider';
import { RequestHolds, until } from './helpers/request-holds';

describe('closing the provider', function () {
  this.timeout(60_000);

  it('answers a request in flight when the close begins, and ends only after it', async () => {
    const holds = new RequestHolds();
    const t = await startInProcessProvider({ routes: [holds.install] });
    const s = await newSession(t);
    const client = new ApiClient(t.provider.url);
    // An event stream open meanwhile is ended by the close, not waited for.
    const stream = await openEventStream(t.provider.url, s.token);
    assert.equal(stream.status, 200);
    const h = holds.hold((r) => r.method === 'GET' && r.url.endsWith('/user'));
    try {
      const answer = client.get('/user', { token: s.token });
      await until(() => h.arrived === 1);
      let closed = false;
      const closing = t.close().then(() => (closed = true));
      // The close is under way once it has ended the event stream; the request is still held.
      await stream.ended;
      assert.equal(closed, false, 'the close waits for the request in flight');
      h.release();
      const res = await answer;
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.login, s.user.login);
      await closing;
    } finally {
      h.release();
      await client.close();
      await stream.close();
    }
  });
});
