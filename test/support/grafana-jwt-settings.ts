/**
 * `[auth.jwt]` as the library writes it for Pomerium's assertion (header, claims, sign-up), for
 * tests that hand-write Grafana output; add the key source and role settings the test is about.
 */
export function pomeriumJwtSettings(host: string): Record<string, unknown> {
  return {
    enabled: true,
    header_name: 'X-Pomerium-Jwt-Assertion',
    email_claim: 'email',
    username_claim: 'email',
    auto_sign_up: true,
    expect_claims: JSON.stringify({ iss: host, aud: host }),
  };
}
