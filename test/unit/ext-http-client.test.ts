// The extension's HTTP client against a web server that is not a Tessera provider (a wrong
// provider URL): a page answered with 200 is an error that says so, never handed to a command as
// if it were the API's JSON.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../src/extension/api/http-client';
import { TesseraError } from '../../src/extension/services';

describe('extension: the HTTP client and a server that is not Tessera', () => {
  let server: Server;
  let origin: string;
  const quiet = { trace: () => undefined, debug: () => undefined, warn: () => undefined };
  const client = new HttpClient(async () => undefined, quiet);

  before(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/api/v3/json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"login":"alice"}');
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Welcome to nginx!</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await client.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a 200 page that is not JSON is an error naming the server and the setting to check', async () => {
    await assert.rejects(client.json(origin, 'GET', '/api/v3/user?per_page=1'), (err: unknown) => {
      assert.ok(err instanceof TesseraError, String(err));
      assert.equal(err.kind, 'server');
      assert.match(err.message, new RegExp(`^The server at ${origin} is not a Tessera provider: it answered GET /api/v3/user with something other than JSON`));
      assert.match(err.message, /tessera\.providerUrl/);
      return true;
    });
  });

  it('a 200 JSON answer is its parsed body', async () => {
    assert.deepEqual(await client.json(origin, 'GET', '/api/v3/json'), { login: 'alice' });
  });
});
