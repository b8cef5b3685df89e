/**
 * What src/host.ts promises, verdict by verdict. Expected answers come from the rules the
 * consumers apply, not from running the code: RFC 1123 host names (labels of a-z, 0-9 and
 * inner '-', at most 63 characters, names at most 253), Kubernetes' DNS-1123 label and
 * subdomain rules and label syntax (k8s.io/apimachinery pkg/util/validation/validation.go),
 * Helm's 53-character release names (helm pkg/chartutil/validate_name.go), Go's
 * time.ParseDuration units, and WHATWG URL parsing for URLs.
 */
import { PropContext } from '../../src/errors';
import {
  checkBoolean, checkDnsLabel, checkDnsName, checkDnsSubdomain, checkDuration, checkHelmReleaseName, checkHttpsOrigin,
  checkHttpsUrl, checkLabels, checkObjectName, checkPort, checkUrl, checkVariant, parentDomain,
} from '../../src/host';
import { refusalOf } from '../support/refusal';

const ctx = PropContext.detached('test');
const label63 = 'a'.repeat(63);

describe('checkDnsName: a fully qualified host, returned exactly as written', () => {
  test.each(['grafana.example.com', 'a.b', '0.example.com', 'x1-2.example.com', `${label63}.example.com`])('%s is a host', (host) => {
    expect(checkDnsName(ctx, host)).toBe(host);
  });

  test('253 characters is the longest name; 254 is refused (RFC 1035 2.3.4 as RFC 1123 reads it)', () => {
    const longest = [label63, label63, label63, 'b'.repeat(61)].join('.');
    expect(longest).toHaveLength(253);
    expect(checkDnsName(ctx, longest)).toBe(longest);
    const tooLong = `c${longest}`;
    expect(refusalOf(() => checkDnsName(ctx, tooLong), { value: tooLong }).problem).toMatch(/253/);
  });

  test('a label of 64 characters is refused', () => {
    const host = `${'a'.repeat(64)}.example.com`;
    expect(refusalOf(() => checkDnsName(ctx, host), { value: host }).problem).toContain(`'${'a'.repeat(64)}'`);
  });

  test.each(['grafana', 'localhost', '*'])('the single label %s is refused: a route host must be fully qualified', (host) => {
    expect(refusalOf(() => checkDnsName(ctx, host, { allowWildcard: true }), { value: host }).fix).toContain('grafana.example.com');
  });

  test.each(['-a.example.com', 'a-.example.com', 'a_b.example.com', 'a..example.com', 'a b.example.com', 'é.example.com'])('%s has a label that is not a DNS-1123 label', (host) => {
    refusalOf(() => checkDnsName(ctx, host), { value: host });
  });

  test.each([[''], [undefined], [42], [null], [['a.example.com']]])('%p is not a host name', (raw) => {
    const r = refusalOf(() => checkDnsName(ctx, raw), { value: raw });
    expect(r.fix).toContain('grafana.example.com');
    expect(r.problem).toMatch(/required/);
  });

  test.each([
    ['https://grafana.example.com', 'grafana.example.com'],
    ['HTTPS://grafana.example.com/x', 'grafana.example.com'],
    ['https://grafana.example.com:8443/path', 'grafana.example.com'],
    ['git+ssh://git.example.com/repo', 'git.example.com'],
    ['h-1.x://a.example.com', 'a.example.com'],
  ])('a scheme is refused (%s) and the fix is the host alone', (raw, bare) => {
    const r = refusalOf(() => checkDnsName(ctx, raw), { value: raw });
    expect(r.problem).toContain('scheme');
    expect(r.fix).toContain(`'${bare}'`);
  });

  test.each([
    // Not a scheme: it does not start with a letter, so it is a host with a path.
    ['1https://a.example.com', '1https:'],
    ['grafana.example.com/x/y', 'grafana.example.com'],
    ['grafana.example.com?x=1', 'grafana.example.com'],
    ['grafana.example.com#top', 'grafana.example.com'],
    ['grafana.example.com/a?b#c', 'grafana.example.com'],
  ])('a path, query or fragment is refused (%s); the fix cuts it', (raw, bare) => {
    const r = refusalOf(() => checkDnsName(ctx, raw), { value: raw });
    expect(r.problem).toMatch(/path/);
    expect(r.fix).toContain(`'${bare}'`);
  });

  test.each([
    ['grafana.example.com:443', 'grafana.example.com'],
    ['grafana.example.com:443:1', 'grafana.example.com'],
    ['a:b.example.com', 'a'],
  ])('a port is refused (%s); the fix is the host before the first colon', (raw, bare) => {
    const r = refusalOf(() => checkDnsName(ctx, raw), { value: raw });
    expect(r.problem).toMatch(/port/);
    expect(r.fix).toContain(`'${bare}'`);
  });

  test.each([
    ['grafana.example.com.', 'grafana.example.com'],
    ['grafana.example.com...', 'grafana.example.com'],
  ])('a trailing dot is refused (%s), not stripped', (raw, fixed) => {
    expect(refusalOf(() => checkDnsName(ctx, raw), { value: raw }).fix).toBe(`write '${fixed}'`);
  });

  test('upper case is refused, not lower-cased; the fix is the lower-case spelling', () => {
    expect(refusalOf(() => checkDnsName(ctx, 'Grafana.Example.com'), { value: 'Grafana.Example.com' }).fix).toBe("write 'grafana.example.com'");
  });

  test('a wildcard is the whole leftmost label, and only where allowed', () => {
    expect(checkDnsName(ctx, '*.example.com', { allowWildcard: true })).toBe('*.example.com');
    refusalOf(() => checkDnsName(ctx, '*.example.com'), { value: '*.example.com' });
    refusalOf(() => checkDnsName(ctx, '*.example.com', { allowWildcard: false }), { value: '*.example.com' });
    expect(refusalOf(() => checkDnsName(ctx, 'a.*.example.com', { allowWildcard: true }), { value: 'a.*.example.com' }).fix).toBe("write '*.example.com'");
    refusalOf(() => checkDnsName(ctx, 'a*.example.com', { allowWildcard: true }), { value: 'a*.example.com' });
    refusalOf(() => checkDnsName(ctx, '**.example.com', { allowWildcard: true }), { value: '**.example.com' });
  });
});

describe('checkUrl and checkHttpsUrl: absolute http(s) URLs, the host checked as written', () => {
  test.each([
    'https://grafana.example.com',
    'https://grafana.example.com/',
    'https://grafana.example.com:8443/realms/x',
    'http://grafana.monitoring.svc.cluster.local:3000',
    // An in-cluster short Service name is a valid upstream: one label is enough here.
    'http://grafana:3000',
    'https://10.0.0.1:8443/x',
  ])('%s is accepted as written', (raw) => {
    expect(checkUrl(ctx, raw, 'the URL').href.startsWith(raw.replace(/\/$/, ''))).toBe(true);
  });

  test.each([[''], [undefined], [7]])('%p is refused', (raw) => {
    refusalOf(() => checkUrl(ctx, raw, 'the URL'), { value: raw });
  });

  test.each(['grafana.example.com', '/relative/path', 'https://'])('%s is not an absolute URL', (raw) => {
    expect(refusalOf(() => checkUrl(ctx, raw, 'the URL'), { value: raw }).problem).toContain('the URL');
  });

  // Go's url.Parse (Pomerium, Grafana) reads 'https:host/x' as an opaque URL without a host; WHATWG URL fills it in.
  test.each([
    ['https:kc.example.com/realms/x', "write 'https://kc.example.com/realms/x'"],
    ['https:/kc.example.com', "write 'https://kc.example.com'"],
    ['HTTP:grafana:3000', "write 'HTTP://grafana:3000'"],
  ])('%s has no // after the scheme', (raw, fix) => {
    expect(refusalOf(() => checkUrl(ctx, raw, 'the URL'), { value: raw }).fix).toBe(fix);
  });

  test.each(['ftp://files.example.com', 'file:///etc/passwd', 'ws://grafana.example.com'])('%s is not http(s)', (raw) => {
    refusalOf(() => checkUrl(ctx, raw, 'the URL'), { value: raw });
  });

  test.each(['https://user:pw@grafana.example.com', 'https://user@grafana.example.com', 'https://:pw@grafana.example.com'])('%s embeds credentials', (raw) => {
    expect(refusalOf(() => checkUrl(ctx, raw, 'the URL'), { value: raw }).problem).toMatch(/credentials/);
  });

  test.each(['https://grafana.example.com/?x=1', 'https://grafana.example.com/#top'])('%s carries a query or fragment', (raw) => {
    expect(refusalOf(() => checkUrl(ctx, raw, 'the URL'), { value: raw }).problem).toMatch(/query or fragment/);
  });

  test('URL() would lower-case the host and drop a trailing dot: the host is checked as written', () => {
    expect(refusalOf(() => checkUrl(ctx, 'https://Grafana.example.com/x', 'the URL'), { value: 'https://Grafana.example.com/x' }).fix)
      .toBe("write 'https://grafana.example.com/x'");
    expect(refusalOf(() => checkUrl(ctx, 'HTTPS://Grafana.example.com', 'the URL'), { value: 'HTTPS://Grafana.example.com' }).fix)
      .toBe("write 'HTTPS://grafana.example.com'");
    expect(refusalOf(() => checkUrl(ctx, 'https://grafana.example.com../x', 'the URL'), { value: 'https://grafana.example.com../x' }).fix)
      .toBe("write 'https://grafana.example.com/x'");
    expect(refusalOf(() => checkUrl(ctx, 'https://grafana.example.com.:8443', 'the URL'), { value: 'https://grafana.example.com.:8443' }).fix)
      .toBe("write 'https://grafana.example.com:8443'");
    refusalOf(() => checkUrl(ctx, 'https://a_b.example.com', 'the URL'), { value: 'https://a_b.example.com' });
    refusalOf(() => checkUrl(ctx, `https://${'a'.repeat(64)}.example.com`, 'the URL'), { value: `https://${'a'.repeat(64)}.example.com` });
    refusalOf(() => checkUrl(ctx, 'https://-a.example.com', 'the URL'), { value: 'https://-a.example.com' });
  });

  test('an IP literal is taken as it is; a name that only starts with digits is still checked', () => {
    expect(checkUrl(ctx, 'http://192.168.1.10:3000', 'the URL').hostname).toBe('192.168.1.10');
    refusalOf(() => checkUrl(ctx, 'https://1.2.3.4a_b', 'the URL'), { value: 'https://1.2.3.4a_b' });
    refusalOf(() => checkUrl(ctx, 'https://a_b.1.2.3', 'the URL'), { value: 'https://a_b.1.2.3' });
  });

  test('checkHttpsUrl refuses http and offers the https spelling', () => {
    expect(checkHttpsUrl(ctx, 'https://kc.example.com/realms/r', 'the issuer').pathname).toBe('/realms/r');
    expect(refusalOf(() => checkHttpsUrl(ctx, 'http://kc.example.com/realms/r', 'the issuer'), { value: 'http://kc.example.com/realms/r' }).fix)
      .toBe("write 'https://kc.example.com/realms/r'");
    expect(refusalOf(() => checkHttpsUrl(ctx, 'HTTP://kc.example.com', 'the issuer'), { value: 'HTTP://kc.example.com' }).fix)
      .toBe("write 'https://kc.example.com'");
  });

  test('checkHttpsOrigin returns the host of a bare origin and names the bare origin as the fix', () => {
    expect(checkHttpsOrigin(ctx, 'https://authenticate.example.com', 'the URL').name).toBe('authenticate.example.com');
    expect(refusalOf(() => checkHttpsOrigin(ctx, 'https://authenticate.example.com/x', 'the URL'), { value: 'https://authenticate.example.com/x' }).fix)
      .toBe("write 'https://authenticate.example.com'");
    refusalOf(() => checkHttpsOrigin(ctx, 'https://authenticate', 'the URL'), { value: 'authenticate' });
  });
});

describe('Kubernetes names (apimachinery validation.go)', () => {
  test('a DNS-1123 label: at most 63, a-z 0-9 and inner -', () => {
    expect(checkDnsLabel(ctx, label63)).toBe(label63);
    expect(checkDnsLabel(ctx, 'a')).toBe('a');
    expect(checkDnsLabel(ctx, '0-x')).toBe('0-x');
    for (const bad of ['a'.repeat(64), 'a.b', 'a_b', '-a', 'a-', 'A']) refusalOf(() => checkDnsLabel(ctx, bad), { value: bad });
    for (const missing of ['', undefined, 3]) expect(refusalOf(() => checkDnsLabel(ctx, missing, 'the namespace'), { value: missing }).problem).toBe('the namespace is required');
  });

  test('the suggested label is the input made valid, or an example when nothing is left', () => {
    expect(refusalOf(() => checkDnsLabel(ctx, 'My_App'), { value: 'My_App' }).fix).toBe("use 'my-app'");
    expect(refusalOf(() => checkDnsLabel(ctx, '__a..b__'), { value: '__a..b__' }).fix).toBe("use 'a-b'");
    expect(refusalOf(() => checkDnsLabel(ctx, '-a-'), { value: '-a-' }).fix).toBe("use 'a'");
    expect(refusalOf(() => checkDnsLabel(ctx, 'b'.repeat(70)), { value: 'b'.repeat(70) }).fix).toBe(`use '${'b'.repeat(63)}'`);
    expect(refusalOf(() => checkDnsLabel(ctx, '__'), { value: '__' }).fix).toBe("use a name such as 'grafana'");
  });

  test('a composed object name over 63 characters is blamed on the base name the user wrote', () => {
    const base = ctx.prop('name');
    expect(checkObjectName(ctx.prop('x'), label63, base)).toBe(label63);
    const long = `${label63}x`;
    expect(refusalOf(() => checkObjectName(ctx.prop('x'), long, base), { prop: 'name', value: long }).problem).toContain('64 characters');
    // Without a base name, the name itself is at fault.
    refusalOf(() => checkObjectName(ctx.prop('x'), long), { prop: 'x', value: long });
    refusalOf(() => checkObjectName(ctx.prop('x'), 'a_b', base), { prop: 'x', value: 'a_b' });
  });

  test('Helm release names: DNS-1123 labels of at most 53 characters', () => {
    expect(checkHelmReleaseName(ctx, 'p'.repeat(53))).toBe('p'.repeat(53));
    expect(refusalOf(() => checkHelmReleaseName(ctx, 'p'.repeat(54)), { value: 'p'.repeat(54) }).problem).toMatch(/53/);
    refusalOf(() => checkHelmReleaseName(ctx, 'Pomerium'), { value: 'Pomerium' });
  });

  test('a DNS-1123 subdomain: dotted labels, at most 253', () => {
    for (const ok of ['grafana-oidc-client', 'a.b-c.d', 'grafana.oidc-client', '0', 'a'.repeat(253)]) expect(checkDnsSubdomain(ctx, ok, 'a Secret name')).toBe(ok);
    for (const bad of ['a'.repeat(254), 'a..b', '.a', 'a.', '-a', 'a-.b', 'A.b', 'a_b']) refusalOf(() => checkDnsSubdomain(ctx, bad, 'a Secret name'), { value: bad });
    expect(refusalOf(() => checkDnsSubdomain(ctx, '', 'a Secret name'), { value: '' }).problem).toBe('a Secret name is required');
    refusalOf(() => checkDnsSubdomain(ctx, undefined, 'a Secret name'), { value: undefined });
    expect(refusalOf(() => checkDnsSubdomain(ctx, '.My_Secret.', 'a Secret name'), { value: '.My_Secret.' }).fix).toBe("use 'my-secret'");
    expect(refusalOf(() => checkDnsSubdomain(ctx, '-.-', 'a Secret name'), { value: '-.-' }).fix).toBe("use a name such as 'grafana-oidc-client'");
    expect(refusalOf(() => checkDnsSubdomain(ctx, 'x'.repeat(300), 'a Secret name'), { value: 'x'.repeat(300) }).fix).toBe(`use '${'x'.repeat(253)}'`);
  });

  // The prefix of a key is a DNS-1123 subdomain, so at most 253 characters (IsQualifiedName);
  // the library let a longer prefix through until these tests.
  test('label selectors: key and value syntax; an empty selector is refused', () => {
    const good = { 'app.kubernetes.io/name': 'grafana', 'tier': '', 'x': 'a_b.c-D9', 'example.com/Key_1.x': 'v', [label63]: label63, [`e.com/${label63}`]: 'v', 'a.b/name': 'v', [`${[label63, label63, label63, 'b'.repeat(61)].join('.')}/x`]: 'v' };
    expect(checkLabels(ctx, good)).toBe(good);
    for (const empty of [{}, [], null, undefined, 'app=grafana']) refusalOf(() => checkLabels(ctx, empty), { value: empty });
    const badKeys = ['a/b/c', 'Example.com/x', '-a', 'a-', `${label63}b`, `e.com/${label63}b`, '/a', 'a/', 'a b', `${'a'.repeat(254)}/x`];
    for (const key of badKeys) expect(refusalOf(() => checkLabels(ctx, { [key]: 'v' }), { value: { [key]: 'v' } }).problem).toContain('label key');
    const badValues: unknown[] = ['-a', 'a-', '_a', 'a b', `${label63}b`, 5, null];
    for (const value of badValues) expect(refusalOf(() => checkLabels(ctx, { app: value }), { value: { app: value } }).problem).toContain('label value');
  });
});

describe('scalars', () => {
  test('booleans: undefined gives the fallback; anything but a boolean is refused with the opposite as the fix', () => {
    expect([checkBoolean(ctx, undefined, true), checkBoolean(ctx, undefined, false)]).toEqual([true, false]);
    expect([checkBoolean(ctx, false, true), checkBoolean(ctx, true, false)]).toEqual([false, true]);
    expect(refusalOf(() => checkBoolean(ctx, 'true', false), { value: 'true' }).fix).toBe('write true or leave it out');
    expect(refusalOf(() => checkBoolean(ctx, 0, true), { value: 0 }).fix).toBe('write false or leave it out');
    refusalOf(() => checkBoolean(ctx, null, true), { value: null });
  });

  test('ports are whole numbers from 1 to 65535', () => {
    expect([checkPort(ctx, 1), checkPort(ctx, 65535), checkPort(ctx, 3000)]).toEqual([1, 65535, 3000]);
    for (const bad of [0, 65536, -1, 3000.5, '3000', NaN, undefined]) refusalOf(() => checkPort(ctx, bad), { value: bad });
  });

  test('durations are Go duration strings (time.ParseDuration units ns us µs ms s m h)', () => {
    for (const ok of ['30s', '5m', '1h30m', '1.5h', '100ms', '2us', '5µs', '3ns', '0s']) expect(checkDuration(ctx, ok)).toBe(ok);
    for (const bad of ['30', 's', '1d', '-1s', ' 30s', '30s ', '1.s', '.5s', '1h 30m', 30, undefined]) refusalOf(() => checkDuration(ctx, bad), { value: bad });
  });

  test('the parent domain drops the leftmost label', () => {
    expect(parentDomain('authenticate.example.com')).toBe('example.com');
    expect(parentDomain('a.b.c.d')).toBe('b.c.d');
  });
});

describe('URLs with spaces or control characters: refused, never cleaned up (the WHATWG parser would strip or drop them)', () => {
  test('a control character is named with its position; the fix is to remove it', () => {
    const r = refusalOf(() => checkUrl(ctx, 'https://grafana.example.com/\n', 'the URL'), { value: 'https://grafana.example.com/\n' });
    expect(r).toMatchObject({ problem: 'the URL contains a line feed (LF) (U+000A) at position 28', fix: 'remove it' });
  });

  test('surrounding spaces: the fix is the URL without them', () => {
    const r = refusalOf(() => checkUrl(ctx, ' https://grafana.example.com ', 'the URL'), { value: ' https://grafana.example.com ' });
    expect(r).toMatchObject({ problem: 'the URL contains spaces', fix: "write 'https://grafana.example.com'" });
  });

  test('a space inside: the fix says to percent-encode it', () => {
    for (const raw of ['https://grafana.example.com/a b', ' https://grafana.example.com/a b']) {
      const r = refusalOf(() => checkUrl(ctx, raw, 'the URL'), { value: raw });
      expect(r).toMatchObject({ problem: 'the URL contains spaces', fix: 'remove the spaces (percent-encode a space in a path as %20)' });
    }
  });
});

describe('checkVariant: a variant prop is an instance of its class; null and strings are refused, not coerced', () => {
  class AuthFlow {}
  class PomeriumOutput {}
  const fallback = new AuthFlow();
  const fix = 'use AuthFlow.pomeriumJwt()';

  test('undefined gives the default; an instance is returned as given', () => {
    expect(checkVariant(ctx, undefined, AuthFlow, fallback, fix)).toBe(fallback);
    const given = new AuthFlow();
    expect(checkVariant(ctx, given, AuthFlow, fallback, fix)).toBe(given);
    expect(checkVariant(ctx, given, AuthFlow, undefined, fix)).toBe(given);
  });

  test('a required variant left out is refused with the fix', () => {
    expect(refusalOf(() => checkVariant(ctx, undefined, AuthFlow, undefined, fix), { value: undefined })).toMatchObject({ problem: 'an AuthFlow is required', fix });
  });

  test('null is not the default: refused, and the fix says to leave the prop out when there is a default', () => {
    expect(refusalOf(() => checkVariant(ctx, null, AuthFlow, fallback, fix), { value: null })).toMatchObject({
      problem: 'null does not mean the default; an AuthFlow is required', fix: `leave the prop out for the default, or ${fix}`,
    });
    expect(refusalOf(() => checkVariant(ctx, null, AuthFlow, undefined, fix), { value: null })).toMatchObject({
      problem: 'null does not mean the default; an AuthFlow is required', fix,
    });
  });

  test('a string or a plain object is refused, a string saying so; the article follows the class name', () => {
    expect(refusalOf(() => checkVariant(ctx, 'jwt', AuthFlow, fallback, fix), { value: 'jwt' })).toMatchObject({ problem: 'an AuthFlow is required (not a string)', fix });
    expect(refusalOf(() => checkVariant(ctx, {}, AuthFlow, fallback, fix), { value: {} })).toMatchObject({ problem: 'an AuthFlow is required', fix });
    // An instance of another class renders as {}.
    expect(refusalOf(() => checkVariant(ctx, new AuthFlow(), PomeriumOutput, undefined, 'use PomeriumOutput.helmValues()'), { value: {} }).problem)
      .toBe('a PomeriumOutput is required');
  });
});
