// GitHub's documented repository settings in create and update bodies: `homepage`, the `has_*`
// flags and `is_template` (stored and returned), `private` / `visibility` (`internal` only for
// organization repositories: a private repository labelled internal), and the pull-request and
// fork settings Tessera has fixed values for (FIXED_SETTINGS).
import type { RepositorySettingsRequest, RepositoryVisibility } from '../../shared/api-types';
import { invalidField } from '../http/errors';
import type { RepositorySettings } from '../store/repositories';

/** The body properties both POST (create) and PATCH (update) accept. */
export const repositorySettingsSchema = {
  description: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] },
  private: { type: 'boolean' },
  visibility: { type: 'string', enum: ['public', 'private', 'internal'] },
  homepage: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] },
  has_issues: { type: 'boolean' },
  has_projects: { type: 'boolean' },
  has_wiki: { type: 'boolean' },
  has_discussions: { type: 'boolean' },
  has_downloads: { type: 'boolean' },
  is_template: { type: 'boolean' },
  allow_merge_commit: { type: 'boolean' },
  allow_squash_merge: { type: 'boolean' },
  allow_rebase_merge: { type: 'boolean' },
  allow_auto_merge: { type: 'boolean' },
  delete_branch_on_merge: { type: 'boolean' },
  allow_update_branch: { type: 'boolean' },
  allow_forking: { type: 'boolean' },
} as const;

/**
 * GitHub's pull-request and fork settings, fixed on Tessera (no pull requests, no forks: merges
 * are merge commits, as GraphQL's mergeCommitAllowed says). Asking for the fixed value is a no-op;
 * another is a 422 naming the setting.
 */
const FIXED_SETTINGS = [
  ['allow_merge_commit', true, 'Tessera has no pull requests: merge commits stay allowed'],
  ['allow_squash_merge', false, 'Tessera has no pull requests to squash-merge'],
  ['allow_rebase_merge', false, 'Tessera has no pull requests to rebase-merge'],
  ['allow_auto_merge', false, 'Tessera has no pull requests to auto-merge'],
  ['delete_branch_on_merge', false, 'Tessera has no pull requests whose branches it could delete'],
  ['allow_update_branch', false, 'Tessera has no pull requests whose branches it could update'],
  ['allow_forking', false, 'Tessera has no forks'],
] as const;

/** 422 for a fixed setting (FIXED_SETTINGS) asked to be anything but its value. */
export function checkFixedSettings(body: RepositorySettingsRequest): void {
  for (const [field, value, why] of FIXED_SETTINGS) {
    if (body[field] !== undefined && body[field] !== value) throw invalidField(field, `can only be ${value}: ${why}`);
  }
}

const FLAGS = [
  ['has_issues', 'hasIssues'],
  ['has_projects', 'hasProjects'],
  ['has_wiki', 'hasWiki'],
  ['has_discussions', 'hasDiscussions'],
  ['has_downloads', 'hasDownloads'],
  ['is_template', 'isTemplate'],
] as const;

/**
 * The visibility a body asks for (undefined: not given). `private` and `visibility` must agree;
 * `internal` exists only for organization repositories.
 */
export function requestedVisibility(body: RepositorySettingsRequest, ownerType: 'User' | 'Organization'): RepositoryVisibility | undefined {
  if (body.visibility === 'internal' && ownerType !== 'Organization') {
    throw invalidField('visibility', "'internal' is only for organization repositories");
  }
  if (body.visibility !== undefined && body.private !== undefined && body.private !== (body.visibility !== 'public')) {
    throw invalidField('visibility', `contradicts private: ${body.private}`);
  }
  if (body.visibility !== undefined) return body.visibility;
  if (body.private === undefined) return undefined;
  return body.private ? 'private' : 'public';
}

/** The settings a body sets (only those present; '' clears the homepage; visibility sets `internal`). */
export function settingsFromBody(body: RepositorySettingsRequest, visibility: RepositoryVisibility | undefined): Partial<RepositorySettings> {
  const out: Partial<RepositorySettings> = {};
  if (body.homepage !== undefined) out.homepage = body.homepage === '' ? null : body.homepage;
  for (const [field, key] of FLAGS) if (body[field] !== undefined) out[key] = body[field];
  if (visibility !== undefined) out.internal = visibility === 'internal';
  return out;
}
