// A gzip-compressed smart-HTTP request body is inflated by the provider within a limit before git
// reads it: a small body that inflates to many MiB of protocol lines (which upload-pack would keep
// in memory, for anyone fetching a public repository) is a 413; git's own compressed fetch goes
// through; a body labelled gzip that is not is a 400.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { MAX_INFLATED_FETCH_BYTES } from '../../src/provider/git/request-body';
import { callAs } from '../builders/callers';
import { newSession, type Session } from '../builders/sessions';
import { startTestProvider, TestProvider } from './helpers/provider';

function pkt(line: string): string {
  return (line.length + 4).toString(16).padStart(4, '0') + line;
}

function post(url: string, body: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip', 'Content-Length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('git: gzip-compressed request bodies are inflated within a limit', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;
  let rpc: string;
  let head: string;

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
    await callAs(t, alice, 'POST', '/user/repos', { name: 'public-site', private: false, auto_init: true });
    const branch = await callAs(t, alice, 'GET', `/repos/${alice.user.login}/public-site/branches/main`);
    head = branch.commit.sha;
    rpc = `${t.provider.url}/${alice.user.login}/public-site.git/git-upload-pack`;
  });
  after(async () => {
    await t?.close();
  });

  it("an anonymous fetch whose small gzip body inflates past the limit is a 413 before git reads it; git's own kind of request goes through", async () => {
    const line = pkt('deepen-not main\n');
    const lines = Math.ceil((2 * MAX_INFLATED_FETCH_BYTES) / line.length);
    const bomb = zlib.gzipSync(Buffer.from(pkt(`want ${head}\n`) + line.repeat(lines) + '0000' + pkt('done\n')), { level: 9 });
    assert.ok(bomb.length < MAX_INFLATED_FETCH_BYTES / 100, `a small body (${bomb.length} bytes)`);
    const refused = await post(rpc, bomb);
    assert.equal(refused.status, 413, refused.body.toString('utf8', 0, 200));
    assert.match(JSON.parse(refused.body.toString()).message, /inflates to more than \d+ bytes/);

    const fetched = await post(rpc, zlib.gzipSync(Buffer.from(pkt(`want ${head}\n`) + '0000' + pkt('done\n'))));
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.subarray(0, 8).toString(), '0008NAK\n');
    assert.equal(fetched.body.subarray(8, 12).toString(), 'PACK');
  });

  it('a body labelled gzip that is not gzip is a 400 naming the encoding', async () => {
    const res = await post(rpc, Buffer.from(pkt(`want ${head}\n`) + '0000' + pkt('done\n')));
    assert.equal(res.status, 400, res.body.toString());
    assert.match(JSON.parse(res.body.toString()).message, /not valid gzip/);
  });
});
