// The settings git http-backend gets for every push, whatever the repository's own config says
// (git ≥ 2.31 reads them from GIT_CONFIG_COUNT): the size limit (push-limit.ts), and a check of
// every object the pack brings (receive.fsckObjects, as on GitHub). Without it a push could store
// objects a later clone trips over: a tree with a `.git` entry, a `.gitmodules` whose url or path
// git would read as an option, a symlinked `.gitmodules`, malformed commits; git refuses the push
// naming the problem and keeps nothing of the pack.
import { pushLimitSetting } from './push-limit';

export function receivePackEnv(maxPushBytes: number): Record<string, string> {
  const settings: Array<[string, string]> = [pushLimitSetting(maxPushBytes), ['receive.fsckObjects', 'true']];
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(settings.length) };
  settings.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
