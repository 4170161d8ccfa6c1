// A refusal said in git's protocol: the form follows what the client asked for, and the message
// carries no control character and fits an old side-band line.
import * as assert from 'node:assert/strict';
import { gitProtocolRefusal } from '../../src/provider/git/protocol-refusal';

describe('git protocol refusals', () => {
  it('a fetch gets an ERR line; a push its side band 3, else the report’s unpack line, else nothing (the HTTP error stands)', () => {
    assert.deepEqual(gitProtocolRefusal('upload-pack', new Set(), 'no'), { contentType: 'application/x-git-upload-pack-result', body: Buffer.from('000bERR no\n') });
    assert.deepEqual(gitProtocolRefusal('receive-pack', new Set(['report-status', 'side-band-64k']), 'no'), {
      contentType: 'application/x-git-receive-pack-result',
      body: Buffer.from('0007\x03no0000', 'latin1'),
    });
    assert.equal(gitProtocolRefusal('receive-pack', new Set(['report-status-v2']), 'no')?.body.toString(), '000eunpack no\n0000');
    assert.equal(gitProtocolRefusal('receive-pack', new Set(['ofs-delta']), 'no'), undefined);
  });

  it('escapes control characters and keeps an old side-band line within its 1000 bytes', () => {
    assert.equal(gitProtocolRefusal('upload-pack', new Set(), 'a\x1b[2Jb')?.body.toString(), '0012ERR a\\x1b[2Jb\n');
    const long = gitProtocolRefusal('receive-pack', new Set(['side-band']), 'a' + 'é'.repeat(2000)) // cut amid a character;
    assert.ok(long && long.body.length - 4 <= 1000, String(long?.body.length));
    assert.doesNotMatch(long!.body.toString('utf8'), /\uFFFD/);
  });
});
