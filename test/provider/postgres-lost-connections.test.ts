// Team mode when the server ends a replica's connections (pg_terminate_backend, a failover): the
// connection that LISTENs for other replicas' changes, while no new one listens yet, still lets a
// change stream end when its token is deleted at another replica.
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { createUser } from '../builders/users';
import { newSession } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { openEventStream, type OpenStream } from './helpers/event-stream';
import { startPostgresProxy } from './helpers/postgres-proxy';
import { memoryKeySource, usePostgres } from './helpers/postgres-stores';
import { startTestProvider, TestProvider } from './helpers/provider';
import { until } from './helpers/request-holds';

describe('team mode: connections the server ends', function () {
  this.timeout(60_000);
  const pg = usePostgres();
  const open: TestProvider[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });
  // Replicas share the data key (as a team copies secret.key to each one).
  const dataKey = memoryKeySource();
  async function replica(databaseUrl: string): Promise<TestProvider> {
    const t = await startTestProvider({ databaseUrl, dataKey });
    open.push(t);
    return t;
  }

  it('a change stream at a replica that cannot listen (its listening connection ended, no new one listens yet) ends once its token is deleted at another replica', async () => {
    const url = await pg.newDatabase();
    const proxy = await startPostgresProxy(Number(new URL(url).port));
    const killer = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await killer.connect();
    let a: TestProvider | undefined;
    let stream: OpenStream | undefined;
    try {
      // A reaches the database through the proxy only (which can refuse its new listening connections); B directly.
      a = await startTestProvider({ databaseUrl: proxy.via(url), dataKey });
      const b = await replica(url);
      await createUser(a);
      const s = await newSession(a);
      const tok = await createClassicToken(b, s, { scopes: ['user'] });
      stream = await openEventStream(a.provider.url, tok.token);
      assert.equal(stream.status, 200);
      await stream.next('ready', 0);
      await until(() => proxy.listening());
      proxy.refuseListening(true);
      const ports = proxy.listeningServerPorts();
      assert.equal(ports.length, 1, "A's listening connection");
      const ended = await killer.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE client_port = ANY($1::int[])`, [ports]);
      assert.deepEqual(ended.rows, [{ ok: true }], "A's listening backend is ended");
      await until(() => !proxy.listening());
      const del = await b.api.delete(`/user/personal-access-tokens/${tok.id}`, { token: s.token });
      assert.equal(del.status, 204, del.text);
      // A generous bound on a state (the stream ends), not a measured time: without the fix it stays open as long as A cannot listen.
      const outcome = await Promise.race([stream.ended.then(() => 'ended'), new Promise((r) => setTimeout(r, 30_000).unref()).then(() => 'still open')]);
      assert.equal(outcome, 'ended', 'the stream of the deleted token ends while A cannot listen');
      assert.ok(!proxy.listening(), 'A was not listening meanwhile');
    } finally {
      await stream?.close();
      proxy.refuseListening(false);
      await a?.close();
      await proxy.close();
      await killer.end();
    }
  });
});
