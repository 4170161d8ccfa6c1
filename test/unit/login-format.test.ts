// The login rule stated in the sign-up prompt and checked as the person types
// (src/shared/login-format.ts), the same pattern the provider's request schemas use.
import * as assert from 'node:assert/strict';
import { LOGIN_PATTERN, LOGIN_RULE, loginProblem } from '../../src/shared/login-format';
import { LOGIN_PATTERN as PROVIDER_PATTERN } from '../../src/provider/users/user-json';

describe('shared: the login rule', () => {
  it('accepts letters, digits and single inner hyphens up to 39 characters', () => {
    for (const ok of ['alice', 'a', 'Bob-42', 'a-b-c', 'x'.repeat(39)]) assert.equal(loginProblem(ok), undefined, ok);
  });

  it('says what is wrong with anything else, in the words the prompt uses', () => {
    assert.equal(loginProblem(''), 'Enter a login');
    assert.equal(loginProblem('x'.repeat(40)), 'At most 39 characters (this one has 40)');
    for (const bad of ['-alice', 'alice-', 'a--b', 'al ice', 'alice@home', 'ålice', 'a_b']) assert.equal(loginProblem(bad), `Use ${LOGIN_RULE}`, bad);
  });

  it('is the pattern the provider checks', () => {
    assert.equal(PROVIDER_PATTERN, LOGIN_PATTERN);
  });
});
