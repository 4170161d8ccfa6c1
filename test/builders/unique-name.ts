// Names no other test (nor another run against the same provider) has taken: logins, orgs, repos.
import { randomBytes } from 'node:crypto';

let counter = 0;

export function uniqueName(prefix = 'user'): string {
  counter++;
  return `${prefix}${counter}-${randomBytes(3).toString('hex')}`;
}
