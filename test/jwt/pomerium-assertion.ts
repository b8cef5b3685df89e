// Promoted to the library's simulator (src/simulate/mint.ts); kept so the existing tests read unchanged.
export { mintPomeriumAssertion } from '../../src/simulate/mint';
export type { AssertionOptions } from '../../src/simulate/mint';
