import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OidcIdentityProvider } from '../../../../../electron/services/identity';
import { GOOD_PASSWORD, identityHarness, type IdentityHarness } from './identity-fixtures';

let harness: IdentityHarness;
beforeEach(async () => {
  harness = identityHarness();
  await harness.identity.setupFirstAdministrator({ username: 'chen.li', displayName: '陈丽', password: GOOD_PASSWORD });
});
afterEach(() => harness.close());

const OIDC = {
  kind: 'oidc',
  authorizationCode: 'code',
  codeVerifier: 'verifier',
  state: 'state',
  nonce: 'nonce',
} as const;

describe('identity providers', () => {
  it('signs in through the local provider and records it on the session', async () => {
    const provider = harness.identity.providerFor('password');
    expect(provider.describe()).toMatchObject({ kind: 'local', available: true });
    const operator = await provider.authenticate({ kind: 'password', username: 'chen.li', password: GOOD_PASSWORD });
    expect(operator.username).toBe('chen.li');
    await expect(provider.authenticate(OIDC)).rejects.toMatchObject({ code: 'invalid' });
  });

  it('describes OpenID Connect as not available in this build, saying what it needs, and signs nobody in', async () => {
    const [local, oidc] = harness.identity.describeProviders();
    expect(local!.available).toBe(true);
    expect(oidc).toMatchObject({
      kind: 'oidc',
      available: false,
      unavailableReason: expect.stringMatching(
        /not available in this build: it needs an issuer URL and a client/,
      ) as unknown,
    });
    await expect(harness.identity.signIn(OIDC)).rejects.toMatchObject({ code: 'provider-unavailable' });
    expect(harness.store.writer.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('names the configured issuer, and still refuses: this build has no OIDC client', async () => {
    const provider = new OidcIdentityProvider({
      issuer: 'https://id.zhengzhou.example',
      clientId: 'gridline-console',
      redirectUri: 'http://127.0.0.1/callback',
    });
    expect(provider.describe()).toMatchObject({ available: false, issuer: 'https://id.zhengzhou.example' });
    await expect(provider.authenticate(OIDC)).rejects.toThrow(/configured for https:\/\/id\.zhengzhou\.example/);
  });

  it.each([
    [{ issuer: 'http://id.example', clientId: 'c', redirectUri: 'http://127.0.0.1/cb' }, /issuer must be an https URL/],
    [{ issuer: 'https://id.example', clientId: '', redirectUri: 'http://127.0.0.1/cb' }, /clientId/],
    [{ issuer: 'https://id.example', clientId: 'c', redirectUri: 'https://evil.example/cb' }, /loopback/],
  ])('refuses a bad OpenID Connect configuration (%#)', (config, message) => {
    expect(() => new OidcIdentityProvider(config)).toThrow(message);
  });
});
