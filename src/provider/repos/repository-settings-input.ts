// GitHub's documented repository settings in create and update bodies: `homepage`, the `has_*`
// flags and `is_template` (stored and returned), and `private` / `visibility` (`internal` only for
// organization repositories: a private repository labelled internal).
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
} as const;

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
