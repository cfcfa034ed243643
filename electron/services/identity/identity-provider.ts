/**
 * Who proves an operator's identity. The console signs in through an `IdentityProvider`; what the operator may do
 * (role, scope) always comes from the local `operators` table, whichever provider vouched for them.
 *
 * - `LocalIdentityProvider`: username and password against the store (scrypt, throttle). The one that works here.
 * - `OidcIdentityProvider`: OpenID Connect for deployments with an identity provider. Designed, not built: this build
 *   contains no OIDC client, and says so instead of pretending. The intended flow, for the issue that builds it:
 *     1. discovery: GET {issuer}/.well-known/openid-configuration (authorization, token and JWKS endpoints);
 *     2. authorization code flow with PKCE (RFC 7636) in the system browser, redirected to a loopback URI on
 *        127.0.0.1 that the console listens on for the one callback (RFC 8252, native apps), with `state` and
 *        `nonce`;
 *     3. the code exchanged at the token endpoint; the ID token's signature checked against the JWKS, and its
 *        `iss`, `aud` (= client id), `exp`, `iat` and `nonce`;
 *     4. the `usernameClaim` (default `preferred_username`) matched to an enabled local operator, whose role and scope
 *        apply. No operator of that name: refused (accounts are provisioned locally, not created by the IdP).
 */
import { z } from 'zod';
import { IdentityError } from './identity-error';
import type { Operator } from './operator-records';

export type IdentityProviderKind = 'local' | 'oidc';

export interface PasswordCredentials {
  kind: 'password';
  username: string;
  password: string;
}

/** What the loopback redirect hands back after the browser step of the code flow. */
export interface OidcCredentials {
  kind: 'oidc';
  authorizationCode: string;
  /** The PKCE verifier the console generated before opening the browser. */
  codeVerifier: string;
  /** The `state` and `nonce` sent with the authorization request, to compare with what came back. */
  state: string;
  nonce: string;
}

export type Credentials = PasswordCredentials | OidcCredentials;

export interface IdentityProviderDescription {
  kind: IdentityProviderKind;
  label: { zh: string; en: string };
  available: boolean;
  /** Why not, when `available` is false: shown to the operator as is. */
  unavailableReason?: string;
  /** For OIDC: the issuer it would use, when configured. */
  issuer?: string;
}

export interface IdentityProvider {
  readonly kind: IdentityProviderKind;
  describe(): IdentityProviderDescription;
  /** The operator the credentials prove, or an `IdentityError` (never a partial success). */
  authenticate(credentials: Credentials): Promise<Operator>;
}

const wrongKind = (provider: IdentityProviderKind, credentials: Credentials): IdentityError =>
  new IdentityError('invalid', `The ${provider} identity provider does not take ${credentials.kind} credentials.`);

export class LocalIdentityProvider implements IdentityProvider {
  readonly kind = 'local' as const;

  constructor(private readonly checkPassword: (username: string, password: string) => Promise<Operator>) {}

  describe(): IdentityProviderDescription {
    return { kind: 'local', label: { zh: '本地账户', en: 'Local account' }, available: true };
  }

  authenticate(credentials: Credentials): Promise<Operator> {
    if (credentials.kind !== 'password') return Promise.reject(wrongKind('local', credentials));
    return this.checkPassword(credentials.username, credentials.password);
  }
}

const isLoopback = (url: URL): boolean => ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);

/** A deployment's registration with its identity provider. */
export const oidcConfigSchema = z
  .object({
    /** The issuer URL (https, or http on loopback for a test IdP). */
    issuer: z.url().refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url));
    }, 'the issuer must be an https URL'),
    /** The client id the IdP registered for this console. A desktop app is a public client: no secret, PKCE. */
    clientId: z.string().min(1),
    /** Registered loopback redirect, e.g. http://127.0.0.1/callback (the port is chosen at sign-in, RFC 8252). */
    redirectUri: z
      .url()
      .refine((value) => isLoopback(new URL(value)), 'the redirect URI must be a loopback address (RFC 8252)'),
    scopes: z.array(z.string().min(1)).default(['openid', 'profile']),
    /** The ID token claim matched to a local operator's username. */
    usernameClaim: z.string().min(1).default('preferred_username'),
  })
  .strict();

export type OidcConfig = z.infer<typeof oidcConfigSchema>;

export class OidcIdentityProvider implements IdentityProvider {
  readonly kind = 'oidc' as const;
  private readonly config: OidcConfig | undefined;

  /** `config`: the deployment's registration, or undefined when none is configured. */
  constructor(config?: unknown) {
    if (config === undefined) {
      this.config = undefined;
      return;
    }
    const parsed = oidcConfigSchema.safeParse(config);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new IdentityError('invalid', `Invalid OpenID Connect configuration: ${problems.join('; ')}.`);
    }
    this.config = parsed.data;
  }

  describe(): IdentityProviderDescription {
    return {
      kind: 'oidc',
      label: { zh: '统一身份认证 (OpenID Connect)', en: 'Single sign-on (OpenID Connect)' },
      available: false,
      unavailableReason: this.reason(),
      ...(this.config ? { issuer: this.config.issuer } : {}),
    };
  }

  authenticate(credentials: Credentials): Promise<Operator> {
    if (credentials.kind !== 'oidc') return Promise.reject(wrongKind('oidc', credentials));
    return Promise.reject(new IdentityError('provider-unavailable', this.reason()));
  }

  private reason(): string {
    return this.config
      ? `OpenID Connect sign-in is not available in this build: it is configured for ${this.config.issuer}, ` +
          'but this build contains no OpenID Connect client. Sign in with a local account.'
      : 'OpenID Connect sign-in is not available in this build: it needs an issuer URL and a client registration ' +
          '(client id, loopback redirect URI) with the identity provider. Sign in with a local account.';
  }
}
