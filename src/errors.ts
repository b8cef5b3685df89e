import { IConstruct } from 'constructs';

/**
 * Where a value came from: the construct that received it and the prop that carried it.
 *
 * Every check in the library reports through one of these, so each error names
 * the construct path, the prop, the bad value and the fix in the same words.
 */
export class PropContext {
  /** The context of a construct, before any prop is chosen. */
  public static of(scope: IConstruct, constructName: string): PropContext {
    return new PropContext(`${constructName} at '${scope.node.path}'`, []);
  }

  /** A context not tied to a construct (tests, the CLI). */
  public static detached(owner: string): PropContext {
    return new PropContext(owner, []);
  }

  private constructor(private readonly owner: string, private readonly props: string[]) {}

  /** The context of a nested prop: `ctx.prop('authFlow').prop('roleMapping')`. */
  public prop(name: string): PropContext {
    return new PropContext(this.owner, [...this.props, name]);
  }

  /** The dotted prop path, e.g. `authFlow.roleMapping`. */
  public get propPath(): string {
    return this.props.join('.');
  }

  /** Throws the one error format the library uses. */
  public fail(value: unknown, problem: string, fix: string): never {
    throw new ConfigurationError(this.message(value, problem, fix));
  }

  /** The same message as `fail`, returned instead of thrown (for `node.addValidation` checks). */
  public message(value: unknown, problem: string, fix: string): string {
    return `${this.owner}: prop '${this.propPath}' ${describeValue(value)}: ${problem}. Fix: ${fix}`;
  }
}

/** Thrown for any prop the library refuses; the message is meant for the person who wrote the prop. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'is missing';
  const text = typeof value === 'string' ? JSON.stringify(value) : safeJson(value);
  return `has value ${text.length > 200 ? text.slice(0, 200) + '…' : text}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
