// Log redaction and audit-data sanitizing.
import * as assert from 'node:assert/strict';
import { sanitizeAuditData } from '../../src/provider/audit/audit-log';
import { redactingLogger, redactSecrets } from '../../src/provider/logger';
import { generateToken } from '../../src/shared/token-format';

describe('provider redaction', () => {
  it('removes token-shaped strings and Authorization / OTP values from log text', () => {
    const t = generateToken('classic');
    const basic = Buffer.from('ada:hunter2').toString('base64');
    const out = redactSecrets(`used ${t}; headers {"authorization":"Basic ${basic}","x-github-otp":"123456"} Bearer abcdefghijkl`);
    assert.ok(!out.includes(t));
    assert.ok(!out.includes(basic));
    assert.ok(!out.includes('123456'));
    assert.ok(!out.includes('abcdefghijkl'));
  });

  it('the redacting logger redacts and never throws', () => {
    const lines: string[] = [];
    const t = generateToken('fine_grained');
    redactingLogger((_l, m) => lines.push(m))('info', `token ${t}`);
    assert.ok(!lines[0].includes(t));
    assert.doesNotThrow(() => redactingLogger(() => { throw new Error('sink down'); })('error', 'x'));
  });

  it('builds and redacts a line the sink keeps, and never builds one below the level it keeps', () => {
    const t = generateToken('classic');
    const lines: string[] = [];
    let keeps: 'debug' | 'info' = 'debug';
    let built = 0;
    const line = () => { built++; return `GET /user 200 with ${t}`; };
    const log = redactingLogger((level, m) => lines.push(`${level} ${m}`), () => keeps);
    log('debug', line);
    assert.equal(built, 1);
    assert.equal(lines.length, 1);
    assert.ok(lines[0].startsWith('debug GET /user 200 with '));
    assert.ok(!lines[0].includes(t), 'a kept debug line is redacted');
    keeps = 'info';
    log('debug', line);
    assert.equal(built, 1, 'a dropped debug line is never built');
    assert.equal(lines.length, 1);
    log('info', line);
    assert.equal(built, 2);
    assert.ok(!lines[1].includes(t));
    const fixed: string[] = [];
    redactingLogger((_l, m) => fixed.push(m), 'warn')('info', () => assert.fail('an info line below a warn sink is built'));
    assert.deepEqual(fixed, []);
  });

  it('audit data loses secret-bearing keys and token-shaped values', () => {
    const t = generateToken('classic');
    const out = sanitizeAuditData({ password: 'p', token: t, otp: '1', nested: { client_secret: 's', note: `leak ${t}` }, token_last_eight: 'abcdefgh' }) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out).sort(), ['nested', 'token_last_eight']);
    assert.ok(!JSON.stringify(out).includes(t));
    assert.deepEqual(Object.keys(out.nested as object), ['note']);
  });
});
