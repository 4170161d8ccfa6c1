// The largest pack one push may send: git's own limit (receive.maxInputSize), given to
// git http-backend for every repository. Past it git stops reading, keeps nothing of the pack and
// tells the client why ("pack exceeds maximum allowed size").

/** GitHub's limit on one push: 2 GiB. */
export const DEFAULT_MAX_PUSH_BYTES = 2 * 1024 ** 3;

/** The environment that sets the limit for one git http-backend run (git ≥ 2.31 reads GIT_CONFIG_COUNT). */
export function pushLimitEnv(maxPushBytes: number): Record<string, string> {
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'receive.maxInputSize', GIT_CONFIG_VALUE_0: String(maxPushBytes) };
}
