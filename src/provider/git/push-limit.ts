// The largest pack one push may send: git's own limit (receive.maxInputSize), given to
// git http-backend for every repository (receive-pack-env.ts). Past it git stops reading, keeps
// nothing of the pack and tells the client why ("pack exceeds maximum allowed size").

/** GitHub's limit on one push: 2 GiB. */
export const DEFAULT_MAX_PUSH_BYTES = 2 * 1024 ** 3;

/** The git setting that limits one push to `maxPushBytes`. */
export function pushLimitSetting(maxPushBytes: number): [string, string] {
  return ['receive.maxInputSize', String(maxPushBytes)];
}
