// "A push of a 200 MB repository keeps the provider's resident memory growth under 64 MB": the
// real provider (token auth, authorization, git routes) runs in its own process, its RSS sampled
// every 10 ms during a real git push over HTTPS with a token.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measurePushMemory, mib } from '../../bench/git-https/push-memory';

describe('git push memory (real git, 200 MB of random data over HTTPS)', function () {
  this.timeout(180_000);
  let tmp: string;
  before(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-git-memory-'));
  });
  after(async () => {
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('streams the pack: resident memory grows by less than 64 MiB', async () => {
    const r = await measurePushMemory({ workDir: tmp, megabytes: 200, commits: 100, server: 'provider' });
    console.log(
      `      push of ${mib(r.repositoryBytes)}: provider RSS ${mib(r.baselineRss)} → peak ${mib(r.peakRss)}, growth ${mib(r.growth)} (${r.samples} samples, ${r.pushMs} ms; peak ArrayBuffers ${mib(r.peakArrayBuffers)}, ${mib(r.retainedArrayBuffers)} after a GC)`,
    );
    assert.ok(r.repositoryBytes >= 200 * 1024 * 1024 - 1024);
    assert.ok(r.samples > 10, 'sampled during the push');
    assert.ok(r.growth < 64 * 1024 * 1024, `RSS grew by ${mib(r.growth)}`);
    // What grows is garbage V8 has not collected yet (the pack's chunks, already passed on to git):
    // after a full GC nothing of the push is held.
    assert.ok(r.retainedArrayBuffers >= 0 && r.retainedArrayBuffers < 4 * 1024 * 1024, `ArrayBuffers after GC: ${mib(r.retainedArrayBuffers)}`);
  });
});
