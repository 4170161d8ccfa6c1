// Reading git receive-pack's report-status on its way to the client: plain or inside side band 1,
// in chunks cut anywhere; only "ok" lines are updated refs; no report at all is told apart.
import * as assert from 'node:assert/strict';
import { FLUSH_PKT, pktLine } from '../../src/provider/git/pkt-line';
import { PushReportReader } from '../../src/provider/git/push-report';

function band(n: number, payload: Buffer): Buffer {
  return pktLine(Buffer.concat([Buffer.from([n]), payload]));
}

function readInPieces(answer: Buffer, size: number): number | undefined {
  const reader = new PushReportReader();
  for (let i = 0; i < answer.length; i += size) reader.read(answer.subarray(i, i + size));
  return reader.refsUpdated;
}

describe('git push report', () => {
  const report = (...lines: string[]) => Buffer.concat([...lines.map((l) => pktLine(`${l}\n`)), FLUSH_PKT]);

  it('counts the refs reported ok, plain or on side band 1 (progress on band 2 aside), whatever the chunks', () => {
    const plain = report('unpack ok', 'ok refs/heads/main', 'ng refs/pull/1/head deny updating a hidden ref', 'ok refs/tags/v1');
    const sideBand = Buffer.concat([band(2, Buffer.from('Resolving deltas\n')), band(1, plain), FLUSH_PKT]);
    for (const size of [1, 3, 7, 1000]) {
      assert.equal(readInPieces(plain, size), 2, `plain, chunks of ${size}`);
      assert.equal(readInPieces(sideBand, size), 2, `side band, chunks of ${size}`);
    }
  });

  it('a push whose every update was refused reports none updated; no report at all is undefined', () => {
    assert.equal(readInPieces(report('unpack ok', 'ng refs/pull/1/head deny updating a hidden ref'), 5), 0);
    assert.equal(readInPieces(report('unpack index-pack abnormal exit', 'ng refs/heads/main unpacker error'), 5), 0);
    assert.equal(readInPieces(Buffer.concat([band(2, Buffer.from('progress only\n')), FLUSH_PKT]), 5), undefined);
    assert.equal(readInPieces(Buffer.alloc(0), 5), undefined);
  });

  it('report-status-v2 option lines are no updates', () => {
    assert.equal(readInPieces(report('unpack ok', 'ok refs/for/main', 'option refname refs/heads/topic', 'option new-oid ' + 'a'.repeat(40)), 4), 1);
  });
});
