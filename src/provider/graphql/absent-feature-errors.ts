// A query for something GitHub has and Tessera does not — issues, pull requests, releases, labels,
// gists, archiving, … (gh issue / pr / release / label / gist, gh repo archive) — fails validation
// ("Cannot query field …", "Unknown type …", "Unknown argument …"), often with a dozen errors that
// gh prints on one line without saying why. Such a query is answered with one error that names
// what Tessera does not have, followed by the first validation error about it (its locations too).
// What Tessera has of these (the empty Repository fields gh's --json reads): docs/graphql.md.
import { GraphQLError } from 'graphql';

/** A word of a name in a validation error (its camelCase words, singular) → what Tessera does not have. */
const ABSENT: ReadonlyMap<string, string> = new Map(Object.entries({
  issue: 'issues',
  'pull request': 'pull requests',
  release: 'releases',
  label: 'labels',
  milestone: 'milestones',
  discussion: 'discussions',
  gist: 'gists',
  team: 'teams',
  archive: 'repository archiving',
  unarchive: 'repository archiving',
  fork: 'forks',
  'status context': 'status checks',
  'check run': 'status checks',
  'check suite': 'status checks',
}));

/** `issueOrPullRequest` → issue, or, pull request (and each word alone, singular). */
function wordsOf(name: string): string[] {
  const words = name
    .split(/[^A-Za-z]+|(?<=[a-z])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase().replace(/s$/, ''));
  return [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
}

/** The quoted names an error message is about, without graphql-js's "Did you mean …?" guesses. */
function namesIn(message: string): string[] {
  return [...message.replace(/ Did you mean .*$/s, '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

function featuresOf(err: GraphQLError): string[] {
  return namesIn(err.message)
    .flatMap(wordsOf)
    .flatMap((w) => ABSENT.get(w) ?? []);
}

function list(words: string[]): string {
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/**
 * When validation failed on something Tessera does not have: the one error to answer instead of
 * `invalid` (undefined when the errors are about something else, a typo say).
 */
export function absentFeatureError(invalid: readonly GraphQLError[]): GraphQLError | undefined {
  const features = new Set<string>();
  let first: GraphQLError | undefined;
  for (const err of invalid) {
    const found = featuresOf(err);
    if (found.length && !first) first = err;
    for (const f of found) features.add(f);
  }
  if (!first) return undefined;
  const detail = first.message.replace(/ Did you mean .*$/s, '');
  return new GraphQLError(`Tessera has no ${list([...features])} (it serves repositories, git and tokens): ${detail}`, {
    nodes: first.nodes,
    source: first.source,
    positions: first.positions,
  });
}
