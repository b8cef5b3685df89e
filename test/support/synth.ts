import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';

/** A synthesized app as a user meets it: the YAML text and its parsed documents. */
export interface Synthesized {
  readonly yaml: string;
  readonly objects: any[];
}

/**
 * Builds one chart and synthesizes it with `app.synthYaml()`, which (unlike
 * `Testing.synth`) runs the constructs' validations, exactly as `cdk8s synth` does.
 */
export function synth<T>(build: (chart: Chart) => T): Synthesized & { result: T } {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test');
  const result = build(chart);
  const yaml = app.synthYaml();
  const objects = YAML.parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o);
  return { yaml, objects, result };
}

/** The one object of this kind (and name, when given); fails the test if there is not exactly one. */
export function only(objects: any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** Runs `build` and returns the message it throws; fails when it does not throw. */
export function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}
