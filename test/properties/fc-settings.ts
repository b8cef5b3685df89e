import * as fc from 'fast-check';

/**
 * One seed for every property test of a run: fixed, so that `npm test` is reproducible, and
 * overridable with FC_SEED=<integer> to explore or to replay a reported failure.
 */
const fromEnv = process.env.FC_SEED;
export const SEED: number = fromEnv !== undefined && fromEnv !== '' ? Number.parseInt(fromEnv, 10) : 20261202;
if (!Number.isInteger(SEED)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);

/**
 * fc.assert with the suite's seed; a failure names the seed, the shrunk counterexample and
 * how to replay it (fast-check's own report also gives the `path` of the failing case).
 */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, numRuns: number): void {
  try {
    fc.assert(property, { seed: SEED, numRuns });
  } catch (e) {
    (e as Error).message = `property failed with seed ${SEED} (replay: FC_SEED=${SEED} npx jest ${expect.getState().testPath ?? ''}):\n${(e as Error).message}`;
    throw e;
  }
}

/** Counts generated cases per file, so a test can state how many it ran. */
export const RUNS = {
  /** Pure functions and value objects: microseconds each. */
  cheap: 1400,
  /** A render that parses JMESPath or YAML. */
  medium: 300,
  /** A whole construct tree synthesized (tens of milliseconds). */
  synth: 40,
};
