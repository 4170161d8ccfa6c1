// A GraphQL document whose fragments spread each other twice over, level after level: 41
// fragments and some 500 tokens, but 2^40 paths through them. The provider's checks before a
// query runs (depth, node limit, dry run) read each fragment once, so such a document is
// answered — or refused for its depth or node count — at once, instead of holding the provider's
// one thread for as long as walking every path takes (hours, for every caller). The provider runs
// as a process of its own, so that this test's time-out can still fire if it is held.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { newSession, type Session } from '../builders/sessions';
import { startProviderProcess, type ProviderProcess } from './helpers/provider-process';

const LEVELS = 40;

/** `query { ...F0 }`, F0..F39 each spreading the next twice, and F40 holding `bottom`. */
function doubledFragments(bottom: string): string {
  const chain = Array.from({ length: LEVELS }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return ['query { ...F0 }', ...chain, `fragment F${LEVELS} on Query { ${bottom} }`].join('\n');
}

describe('GraphQL: fragments spread many times over', function () {
  this.timeout(60_000);
  let dataDir: string;
  let p: ProviderProcess;
  let alice: Session;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-test-'));
    p = await startProviderProcess(dataDir);
    alice = await newSession(p);
  });
  after(async () => {
    await p?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const gql = async (query: string) => {
    const res = await p.api.post(`${p.url}/api/graphql`, { token: alice.token, body: { query } });
    assert.equal(res.status, 200, res.text);
    return res.json;
  };

  it('are answered, and refused for their depth or node count, without walking every path', async () => {
    assert.deepEqual(await gql(doubledFragments('viewer { login }')), { data: { viewer: { login: alice.user.login } } });
    // Each path still counts toward the node limit, as two spreads of one fragment always did.
    assert.deepEqual(await gql(doubledFragments('viewer { repositories(first: 1) { totalCount } }')), {
      errors: [{ type: 'MAX_NODE_LIMIT_EXCEEDED', message: `This query requires up to ${2 ** LEVELS} possible nodes which exceeds the maximum allowed of 1000.` }],
    });
    const deep = await gql(doubledFragments(`viewer { ${'repositories(first: 1) { nodes { owner { '.repeat(4)}login${' } } }'.repeat(4)} }`));
    assert.equal(deep.data, undefined);
    assert.match(deep.errors[0].message, /Query has depth of 14, which exceeds max depth of 10/);
    const dryRun = await gql(doubledFragments('rateLimit(dryRun: true) { cost nodeCount } viewer { login }'));
    assert.deepEqual(dryRun, { data: { rateLimit: { cost: 1, nodeCount: 0 } } }, 'a dry run, found through the fragments, runs nothing else');
  });
});
