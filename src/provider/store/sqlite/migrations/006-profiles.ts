// GitHub's documented profile and settings fields: a user's bio, blog, company, location, Twitter
// name and hireable flag; an organization's public and billing email, blog, company, location and
// Twitter name; a repository's homepage, has_* flags, template flag and internal visibility.
import type { Migration } from '../migrate';

const USER_AND_ORG = `
ALTER TABLE users ADD COLUMN bio TEXT;
ALTER TABLE users ADD COLUMN blog TEXT;
ALTER TABLE users ADD COLUMN company TEXT;
ALTER TABLE users ADD COLUMN location TEXT;
ALTER TABLE users ADD COLUMN twitter_username TEXT;

ALTER TABLE organizations ADD COLUMN email TEXT;
ALTER TABLE organizations ADD COLUMN billing_email TEXT;
ALTER TABLE organizations ADD COLUMN blog TEXT;
ALTER TABLE organizations ADD COLUMN company TEXT;
ALTER TABLE organizations ADD COLUMN location TEXT;
ALTER TABLE organizations ADD COLUMN twitter_username TEXT;

ALTER TABLE repositories ADD COLUMN homepage TEXT;
`;

export const m006Profiles: Migration = {
  version: 6,
  name: 'user, organization and repository profile fields',
  up: `${USER_AND_ORG}
ALTER TABLE users ADD COLUMN hireable INTEGER;
ALTER TABLE repositories ADD COLUMN has_issues INTEGER NOT NULL DEFAULT 1;
ALTER TABLE repositories ADD COLUMN has_projects INTEGER NOT NULL DEFAULT 1;
ALTER TABLE repositories ADD COLUMN has_wiki INTEGER NOT NULL DEFAULT 1;
ALTER TABLE repositories ADD COLUMN has_discussions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN has_downloads INTEGER NOT NULL DEFAULT 1;
ALTER TABLE repositories ADD COLUMN is_template INTEGER NOT NULL DEFAULT 0;
-- Internal repositories are private ones every member of the instance may see on GitHub; Tessera
-- stores the label and treats them as private.
ALTER TABLE repositories ADD COLUMN internal INTEGER NOT NULL DEFAULT 0 CHECK (internal = 0 OR private = 1);
`,
  postgres: `${USER_AND_ORG}
ALTER TABLE users ADD COLUMN hireable BOOLEAN;
ALTER TABLE repositories ADD COLUMN has_issues BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE repositories ADD COLUMN has_projects BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE repositories ADD COLUMN has_wiki BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE repositories ADD COLUMN has_discussions BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE repositories ADD COLUMN has_downloads BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE repositories ADD COLUMN is_template BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE repositories ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE CHECK (NOT internal OR private);
`,
};
