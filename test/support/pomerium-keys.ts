import { readReference } from './reference';

export type { ChartName } from './helm-values';
export { unknownHelmValuePaths } from './helm-values';

const keyCache = new Map<string, Set<string>>();

/** One key per line; blank lines and `#` comments are tolerated though the files have none. */
function readKeyList(file: string): Set<string> {
  let keys = keyCache.get(file);
  if (!keys) {
    keys = new Set(
      readReference(file)
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
    keyCache.set(file, keys);
  }
  return keys;
}

/** Every `mapstructure` key a Pomerium route (and its nested structs) accepts, from config/policy.go. */
export function pomeriumRouteKeys(): Set<string> {
  return readKeyList('pomerium/pomerium-route-keys.txt');
}

/** Every top-level Pomerium config key, from config/options.go. */
export function pomeriumOptionKeys(): Set<string> {
  return readKeyList('pomerium/pomerium-option-keys.txt');
}
