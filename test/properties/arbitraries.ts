/**
 * Generators of VALID values, built from the rules of the systems that consume them (RFC 1123
 * host names, Kubernetes DNS-1123 names and label syntax, PPL criteria, Grafana roles), never
 * from the library's own checks. Invalid values are made by changing one part of a valid one.
 */
import * as fc from 'fast-check';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}0123456789`;

const chars = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max }).map((cs) => cs.join(''));

/** A DNS-1123 label: a-z 0-9, inner '-', 1..63 characters (mostly short, sometimes the maximum). */
export const dnsLabel: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(chars(ALNUM, 1, 1), chars(`${ALNUM}-`, 0, 10), chars(ALNUM, 1, 1)).map(([a, b, c]) => `${a}${b}${c}`) },
  { weight: 2, arbitrary: chars(ALNUM, 1, 1) },
  { weight: 1, arbitrary: fc.tuple(chars(ALNUM, 1, 1), chars(`${ALNUM}-`, 61, 61), chars(ALNUM, 1, 1)).map(([a, b, c]) => `${a}${b}${c}`) },
);

/** A label that starts with a letter (safe where a name must not look like a number). */
export const letterLabel: fc.Arbitrary<string> = fc.tuple(chars(LOWER, 1, 1), chars(`${ALNUM}-`, 0, 12), chars(ALNUM, 1, 1)).map(([a, b, c]) => `${a}${b}${c}`);

/** A fully qualified host name: 2..4 labels, at most 253 characters. */
export const hostName: fc.Arbitrary<string> = fc.array(dnsLabel, { minLength: 2, maxLength: 4 }).map((ls) => ls.join('.')).filter((h) => h.length <= 253);

/** A short registrable domain ('example.com'-like), so that `<label>.<domain>` stays short. */
export const domain: fc.Arbitrary<string> = fc.tuple(letterLabel, fc.constantFrom('com', 'org', 'io', 'example', 'internal')).map(([a, b]) => `${a}.${b}`);

/** A Kubernetes object or namespace name the constructs may compose further (kept short). */
export const shortName: fc.Arbitrary<string> = fc.tuple(chars(LOWER, 1, 1), chars(`${ALNUM}-`, 0, 8), chars(ALNUM, 1, 1)).map(([a, b, c]) => `${a}${b}${c}`);

/** An email address: a local part without spaces or '@', at a host. */
export const email: fc.Arbitrary<string> = fc.tuple(chars(`${ALNUM}._+-`, 1, 12), hostName).map(([local, host]) => `${local}@${host}`);

/** An IdP group name as a token lists it: no surrounding spaces, optionally a path. */
export const groupName: fc.Arbitrary<string> = fc.oneof(
  chars(`${ALNUM}-_`, 1, 16),
  fc.array(chars(`${ALNUM}-_`, 1, 8), { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`),
);

/** A claim name Pomerium can address as claim/<name>. */
export const claimName: fc.Arbitrary<string> = chars(`${ALNUM}_.:-`, 1, 16);

/** A Kubernetes label key (optional DNS subdomain prefix) and value. */
export const labelKey: fc.Arbitrary<string> = fc.tuple(
  fc.option(fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.')), { nil: undefined }),
  fc.tuple(chars(`${ALNUM}ABCXYZ`, 1, 1), chars(`${ALNUM}-_.`, 0, 20), chars(ALNUM, 1, 1)).map(([a, b, c]) => `${a}${b}${c}`),
).map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));
export const labelValue: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.tuple(chars(`${ALNUM}XYZ`, 1, 1), chars(`${ALNUM}-_.`, 0, 30), chars(ALNUM, 1, 1)).map(([a, b, c]) => `${a}${b}${c}`),
);

/** A Go duration Pomerium and Grafana accept. */
export const goDuration: fc.Arbitrary<string> = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h')).map(([n, u]) => `${n}${u}`),
  { minLength: 1, maxLength: 3 },
).map((parts) => parts.join(''));
