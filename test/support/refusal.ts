import { ConfigurationError } from '../../src/errors';

/** The parts of the library's one error format: `<owner>: prop '<path>' has value <v>: <problem>. Fix: <fix>`. */
export interface Refusal {
  readonly message: string;
  readonly problem: string;
  readonly fix: string;
}

/**
 * Runs `build`, expects a ConfigurationError from `owner` about `prop` carrying `value`, and
 * returns its problem and fix (give `value: undefined` to expect 'is missing'). Both must be non-empty: a refusal that does not say what is
 * wrong and what to write instead breaks the library's promise even when it stops synth.
 */
export function refusalOf(build: () => unknown, expected: { owner?: string; prop?: string; value?: unknown } = {}): Refusal {
  let error: unknown;
  try {
    build();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof ConfigurationError)) {
    throw new Error(`expected a ConfigurationError, got ${error === undefined ? 'no error' : String(error)}`);
  }
  const message = error.message;
  // src/errors.ts cuts a value's text at 200 characters.
  const json = JSON.stringify(expected.value);
  const valueText = expected.value === undefined ? 'is missing' : `has value ${json.length > 200 ? json.slice(0, 200) + '…' : json}`;
  // Without an expected value, only the owner and prop are checked; the problem then starts with the value.
  const head = `${expected.owner ?? 'test'}: prop '${expected.prop ?? ''}' ${'value' in expected ? `${valueText}: ` : ''}`;
  if (!message.startsWith(head)) throw new Error(`expected the message to start with ${JSON.stringify(head)}, got ${JSON.stringify(message)}`);
  const rest = message.slice(head.length);
  const at = rest.lastIndexOf('. Fix: ');
  if (at < 0) throw new Error(`no '. Fix: ' in ${JSON.stringify(message)}`);
  const problem = rest.slice(0, at);
  const fix = rest.slice(at + '. Fix: '.length);
  if (problem.trim() === '' || fix.trim() === '') throw new Error(`empty problem or fix in ${JSON.stringify(message)}`);
  return { message, problem, fix };
}
