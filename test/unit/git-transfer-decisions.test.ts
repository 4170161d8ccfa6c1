// The git transfer service's own decisions, away from any server: which requests are refused before
// git runs, what counts as a clone or a push, when git http-backend failed, and the message git
// shows its user for each refusal.
import * as assert from 'node:assert/strict';
import type { Principal } from '../../src/provider/auth/principal';
import { gitFullName, gitRefusalMessage, GitRefusalFacts } from '../../src/provider/git/git-refusal-message';
import type { GitSmartHttpRequest } from '../../src/provider/git/git-service';
import { backendFailed, isCloneStart, isCompletedPush, rpcContentTypeProblem } from '../../src/provider/git/git-transfer-service';
import type { GitHttpBackendResult } from '../../src/provider/git/http-backend-result';
import { printableText } from '../../src/provider/git/printable-text';

const advertiseFetch: GitSmartHttpRequest = { service: 'upload-pack', phase: 'advertisement', access: 'read' };
const advertisePush: GitSmartHttpRequest = { service: 'receive-pack', phase: 'advertisement', access: 'write' };
const fetchRpc: GitSmartHttpRequest = { service: 'upload-pack', phase: 'rpc', access: 'read' };
const pushRpc: GitSmartHttpRequest = { service: 'receive-pack', phase: 'rpc', access: 'write' };

function result(over: Partial<GitHttpBackendResult> = {}): GitHttpBackendResult {
  return { status: 200, bytesIn: 1000, bytesOut: 100, aborted: false, bodyDelivered: true, exitCode: 0, signal: null, stderr: '', refused: false, ...over };
}

function tokenPrincipal(note: string): Principal {
  return { user: { id: 1, login: 'ada' }, token: { id: 7, note }, method: 'token', freshProof: false } as unknown as Principal;
}
const passwordPrincipal = { user: { id: 1, login: 'ada' }, method: 'password', freshProof: true } as unknown as Principal;

describe('git transfer decisions', () => {
  it('an RPC needs its own Content-Type (parameters and case aside); an advertisement needs none', () => {
    assert.equal(rpcContentTypeProblem(pushRpc, 'application/x-git-receive-pack-request'), undefined);
    assert.equal(rpcContentTypeProblem(fetchRpc, 'Application/X-Git-Upload-Pack-Request; charset=binary'), undefined);
    assert.equal(rpcContentTypeProblem(advertiseFetch, undefined), undefined);
    for (const [req, type] of [
      [pushRpc, undefined],
      [pushRpc, 'application/x-git-upload-pack-request'],
      [fetchRpc, 'application/octet-stream'],
    ] as const) {
      const problem = rpcContentTypeProblem(req, type);
      assert.equal(problem?.status, 415);
      assert.equal(problem?.message, `Unsupported Media Type: git-${req.service} needs Content-Type application/x-git-${req.service}-request`);
    }
  });

  it('a clone is counted at its upload-pack advertisement only', () => {
    assert.equal(isCloneStart(advertiseFetch), true);
    for (const req of [advertisePush, fetchRpc, pushRpc]) assert.equal(isCloneStart(req), false);
  });

  it('a push is a completed receive-pack RPC that carried more than the 4-byte probe and, when git reported, updated a ref', () => {
    assert.equal(isCompletedPush(pushRpc, result()), true);
    assert.equal(isCompletedPush(pushRpc, result({ bytesIn: 4 })), false, 'the "0000" probe');
    assert.equal(isCompletedPush(pushRpc, result({ aborted: true, bodyDelivered: false, exitCode: 128 })), false, 'cut short: git updated nothing');
    assert.equal(isCompletedPush(pushRpc, result({ aborted: true, bodyDelivered: false, exitCode: 0 })), false, 'cut short');
    assert.equal(isCompletedPush(pushRpc, result({ aborted: true, bodyDelivered: true, exitCode: 0 })), true, 'the client left once git had it all: git ran to its end');
    assert.equal(isCompletedPush(pushRpc, result({ aborted: true, bodyDelivered: true, exitCode: 128 })), false, 'git failed');
    assert.equal(isCompletedPush(pushRpc, result({ status: 502 })), false);
    assert.equal(isCompletedPush(pushRpc, result({ refused: true })), false, 'its body refused by the provider (answered 200 in git protocol)');
    assert.equal(isCompletedPush(pushRpc, result({ refsUpdated: 0 })), false, 'git refused every ref update');
    assert.equal(isCompletedPush(pushRpc, result({ refsUpdated: 2 })), true);
    assert.equal(isCompletedPush(pushRpc, result({ aborted: true, bodyDelivered: true, exitCode: 0, refsUpdated: 0 })), false, 'the client left; git refused every update');
    for (const req of [advertiseFetch, advertisePush, fetchRpc]) assert.equal(isCompletedPush(req, result()), false);
  });

  it('git http-backend failed when it answered 5xx or exited non-zero by itself', () => {
    assert.equal(backendFailed(result()), false);
    assert.equal(backendFailed(result({ status: 502 })), true);
    assert.equal(backendFailed(result({ exitCode: 128 })), true);
    assert.equal(backendFailed(result({ exitCode: 128, aborted: true })), false, 'killed because the client went away');
    assert.equal(backendFailed(result({ exitCode: null, signal: 'SIGTERM' })), false);
  });
});

describe('git refusal messages', () => {
  const facts = (over: Partial<GitRefusalFacts> = {}): GitRefusalFacts => ({
    fullName: 'acme/app',
    access: 'read',
    sentCredentials: true,
    principal: tokenPrincipal('ci'),
    ...over,
  });
  const refusal = (status: number, message: string, headers: Record<string, string> = {}) => ({ status, message, headers });

  it('names the repository without its .git suffix', () => {
    assert.equal(gitFullName('acme', 'app.git'), 'acme/app');
    assert.equal(gitFullName('acme', 'app.GIT'), 'acme/app');
    assert.equal(gitFullName('acme', 'app'), 'acme/app');
    assert.equal(gitFullName(undefined, undefined), '/');
  });

  it('401: asks for a token, or says the one sent is bad', () => {
    assert.equal(
      gitRefusalMessage(refusal(401, 'Requires authentication'), facts({ sentCredentials: false, principal: undefined })),
      'Authentication required for acme/app: use a personal access token as the password',
    );
    assert.equal(
      gitRefusalMessage(refusal(401, 'Bad credentials'), facts({ principal: undefined })),
      'Bad credentials for acme/app: the password must be a valid Tessera personal access token',
    );
    assert.equal(gitRefusalMessage(refusal(401, 'Token expired'), facts({ principal: undefined })), 'Token expired (acme/app)');
    assert.equal(
      gitRefusalMessage(refusal(401, 'token expired'), facts({ principal: undefined, expiredToken: { name: 'ci', expiredAt: new Date('2026-03-04T05:06:07Z') } })),
      "token 'ci' expired on 2026-03-04 (acme/app): regenerate it or create a new token, and use that as the password",
    );
  });

  it("404: names the token, and its approval state or its public-only scopes when that may be why", () => {
    assert.equal(gitRefusalMessage(refusal(404, 'Not Found'), facts({ principal: undefined, sentCredentials: false })), "Repository 'acme/app' not found");
    assert.equal(gitRefusalMessage(refusal(404, 'Not Found'), facts()), "Repository 'acme/app' not found, or token 'ci' may not access it");
    assert.equal(
      gitRefusalMessage(refusal(404, 'Not Found'), facts({ approvalDenial: 'pending approval' })),
      "Repository 'acme/app' not found, or token 'ci' may not access it (pending approval)",
    );
    assert.equal(
      gitRefusalMessage(refusal(404, 'Not Found'), facts({ publicOnlyScopes: ['public_repo', 'gist'] })),
      "Repository 'acme/app' not found, or token 'ci' may not access it (its scopes (public_repo, gist) reach public repositories only: add the repo scope to the token, or use a token that has it as the password)",
    );
    assert.equal(
      gitRefusalMessage(refusal(404, 'Not Found'), facts({ publicOnlyScopes: [] })),
      "Repository 'acme/app' not found, or token 'ci' may not access it (it has no scopes, so it reaches public repositories only: add the repo scope to the token, or use a token that has it as the password)",
    );
  });

  it('403: password sign-in, a missing permission, a missing scope, or the reason as given', () => {
    assert.equal(
      gitRefusalMessage(refusal(403, 'Forbidden'), facts({ principal: passwordPrincipal })),
      'Password authentication is not supported for Git operations: use a personal access token as the password',
    );
    assert.equal(
      gitRefusalMessage(refusal(403, 'Resource not accessible by personal access token', { 'X-Accepted-GitHub-Permissions': 'contents=write' }), facts({ access: 'write' })),
      "token 'ci' lacks contents:write on acme/app (Resource not accessible by personal access token): give the token contents:write, or use a token that has it as the password",
    );
    assert.equal(
      gitRefusalMessage(refusal(403, 'Token lacks the required scope: public_repo'), facts({ access: 'write' })),
      "token 'ci' lacks the public_repo scope needed to push to acme/app: add the public_repo scope to the token, or use a token that has it as the password",
    );
    assert.equal(
      gitRefusalMessage(refusal(403, 'Token lacks the required scope: repo'), facts()),
      "token 'ci' lacks the repo scope needed to fetch from acme/app: add the repo scope to the token, or use a token that has it as the password",
    );
    assert.equal(gitRefusalMessage(refusal(403, 'SSO required'), facts({ access: 'write' })), "token 'ci' may not push to acme/app: SSO required");
    assert.equal(gitRefusalMessage(refusal(403, 'only git smart HTTP is supported'), facts({ principal: undefined })), 'only git smart HTTP is supported');
  });

  it('escapes control characters a client or a user chose (path, service, token note, reason): git prints the message to a terminal', () => {
    assert.equal(
      gitRefusalMessage(refusal(401, 'Requires authentication'), facts({ fullName: '\x1b[31mevil/app', sentCredentials: false, principal: undefined })),
      'Authentication required for \\x1b[31mevil/app: use a personal access token as the password',
    );
    assert.equal(gitRefusalMessage(refusal(400, "unknown git service 'git-\r\x1b[2J'"), facts()), "unknown git service 'git- \\x1b[2J'");
    assert.equal(
      gitRefusalMessage(refusal(404, 'Not Found'), facts({ principal: tokenPrincipal('ci\u009b1m\u202e'), approvalDenial: 'denied:\r\nremote: all good\x07' })),
      "Repository 'acme/app' not found, or token 'ci\\x9b1m\\u202e' may not access it (denied: remote: all good\\x07)",
    );
  });

  it('printable text keeps line breaks when asked (a log of git\'s stderr), escaping a lone CR', () => {
    assert.equal(printableText('error: a\r\nfatal: b\rspoofed\x1b[0m\tx', 'keep'), 'error: a\nfatal: b\\x0dspoofed\\x1b[0m x');
    assert.equal(printableText('plain text, unchanged: ünïcödé'), 'plain text, unchanged: ünïcödé');
  });

  it('other statuses: the refusal message as it is', () => {
    assert.equal(gitRefusalMessage(refusal(503, 'Busy, retry'), facts()), 'Busy, retry');
    assert.equal(gitRefusalMessage(refusal(415, 'Unsupported Media Type'), facts()), 'Unsupported Media Type');
  });
});
