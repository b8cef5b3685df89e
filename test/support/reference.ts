import * as fs from 'fs';
import * as path from 'path';

/**
 * Upstream reference data (CRDs, Grafana defaults.ini, chart values, Pomerium key lists).
 * It lives beside the repository, never inside it: a user's clone has no ../shared,
 * so everything that needs it must degrade to a visible skip, not a failure.
 */
// SHARED_REFERENCE overrides the place (a worktree that is not a sibling of ../shared).
const candidate = process.env.SHARED_REFERENCE ?? path.resolve(__dirname, '../../../shared/reference');

export const SHARED_REFERENCE: string | undefined = fs.existsSync(candidate) ? candidate : undefined;

const SKIP_REASON = '../shared/reference absent';
const SKIP_MESSAGE =
  'skipped: ../shared/reference is absent (CI has it); these tests check output against upstream schemas and key lists';

let warned = false;

function warnOnce(): void {
  if (warned) return;
  warned = true;
  console.warn(SKIP_MESSAGE);
}

/** `describe` when the reference data exists, otherwise a visibly named `describe.skip`. */
export const describeWithReference = (name: string, fn: () => void): void => {
  if (SHARED_REFERENCE) {
    describe(name, fn);
    return;
  }
  warnOnce();
  describe.skip(`${name} [skipped: ${SKIP_REASON}]`, fn);
};

/**
 * Absolute path of a file under the reference directory.
 * Throws rather than returning a bogus path, so a helper called outside
 * describeWithReference fails with a message that says why.
 */
export function referencePath(...segments: string[]): string {
  if (!SHARED_REFERENCE) {
    throw new Error(`${SKIP_REASON}: wrap tests that need ${segments.join('/')} in describeWithReference`);
  }
  return path.join(SHARED_REFERENCE, ...segments);
}

/** Reads a reference file once per test file (jest isolates module state per file). */
const textCache = new Map<string, string>();

export function readReference(...segments: string[]): string {
  const file = referencePath(...segments);
  let text = textCache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    textCache.set(file, text);
  }
  return text;
}
