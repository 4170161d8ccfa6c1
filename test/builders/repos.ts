// Repositories for tests through the real API.
import * as assert from 'node:assert/strict';
import { credentialsOf, type Caller } from './callers';
import type { ProviderHandle } from './provider-handle';

/** A repository of `org` (or of the caller's user when org is undefined). */
export async function createRepo(p: ProviderHandle, who: Caller, org: string | undefined, name: string, isPrivate = true): Promise<{ id: number; full_name: string }> {
  const res = await p.api.post(org ? `/orgs/${org}/repos` : '/user/repos', { ...(await credentialsOf(p, who)), body: { name, private: isPrivate } });
  assert.equal(res.status, 201, `create repo ${name}: ${res.text}`);
  return { id: res.json.id, full_name: res.json.full_name };
}
