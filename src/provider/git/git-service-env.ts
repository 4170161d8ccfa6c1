// The settings git http-backend gets for every request, whatever the repository's own config says
// (git ≥ 2.31 reads them from GIT_CONFIG_COUNT).
//  - A push: the size limit (push-limit.ts), and a check of every object the pack brings
//    (receive.fsckObjects, as on GitHub). Without it a push could store objects a later clone trips
//    over: a tree with a `.git` entry, a `.gitmodules` whose url or path git would read as an
//    option, a symlinked `.gitmodules`, malformed commits; git refuses the push naming the problem
//    and keeps nothing of the pack. And GitHub's hidden refs (receive.hideRefs): `refs/pull/…` is
//    the pull requests' namespace, never a client's to write; git leaves it out of what it
//    advertises for a push and refuses an update under it ("deny updating a hidden ref"), as GitHub
//    does. Every other name under refs/ (branches, tags, refs/notes, refs/remotes, …) is the
//    pusher's, as on GitHub.
//  - A fetch: the partial-clone filters GitHub serves — `blob:none`, `blob:limit=N` and `tree:0` —
//    and no other (`sparse:oid` and deep `tree:N` make the server walk far more than it sends: a
//    reader could keep it busy for little); git answers any other filter "filter '…' not supported".
import type { GitService } from './git-service';
import { pushLimitSetting } from './push-limit';

/** Refs a push may neither see nor write: GitHub's pull-request refs. */
const HIDDEN_FROM_PUSH = 'refs/pull';

const FETCH_SETTINGS: ReadonlyArray<[string, string]> = [
  ['uploadpackfilter.allow', 'false'],
  ['uploadpackfilter.blob:none.allow', 'true'],
  ['uploadpackfilter.blob:limit.allow', 'true'],
  ['uploadpackfilter.tree.allow', 'true'],
  ['uploadpackfilter.tree.maxDepth', '0'],
];

export function gitServiceEnv(service: GitService, maxPushBytes: number): Record<string, string> {
  const settings =
    service === 'receive-pack' ? [pushLimitSetting(maxPushBytes), ['receive.fsckObjects', 'true'], ['receive.hideRefs', HIDDEN_FROM_PUSH]] : FETCH_SETTINGS;
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(settings.length) };
  settings.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
