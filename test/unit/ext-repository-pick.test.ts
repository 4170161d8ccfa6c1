// "Clone Repository…" says which signed-in account each repository comes from.
import * as assert from 'node:assert/strict';
import { repositoryPickDescription } from '../../src/extension/git/repository-pick';

describe('extension: the clone picker names the account of each repository', () => {
  it('gives visibility, the account and its provider host', () => {
    assert.equal(repositoryPickDescription({ private: true }, { login: 'alice', providerOrigin: 'https://127.0.0.1:47443' }), 'private · from alice on 127.0.0.1:47443');
    assert.equal(repositoryPickDescription({ private: false }, { login: 'bob', providerOrigin: 'https://tessera.example.com' }), 'public · from bob on tessera.example.com');
  });
});
