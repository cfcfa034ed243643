/**
 * Identity (issue #6): operators, passwords, the sign-in throttle, sessions and identity providers. The host
 * constructs one `IdentityService` over the store; authority and the login screen build on what is exported here.
 */
export { IDENTITY_ERROR_CODES, INVALID_CREDENTIALS, IdentityError, type IdentityErrorCode } from './identity-error';
export { ADMIN_ENV, provisionFirstAdministratorFromEnv, type ProvisionOutcome } from './environment-provisioning';
export {
  LocalIdentityProvider,
  OidcIdentityProvider,
  oidcConfigSchema,
  type Credentials,
  type IdentityProvider,
  type IdentityProviderDescription,
  type IdentityProviderKind,
  type OidcConfig,
  type OidcCredentials,
  type PasswordCredentials,
} from './identity-provider';
export { DEFAULT_IDENTITY_POLICY, identityPolicySchema, type IdentityPolicy } from './identity-policy';
export {
  IdentityService,
  type IdentityServiceOptions,
  type NewOperator,
  type OperatorChanges,
  type OperatorListing,
  type SignIn,
} from './identity-service';
export { REPEAT_MEMORY_MS } from './login-throttle';
export { USERNAME_RULE, normaliseUsername, type Operator } from './operator-records';
export { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './password-hash';
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, checkPasswordPolicy, passwordProblems } from './password-policy';
export type { Session, SessionGrant, SessionProvider, SessionStore } from './sessions';
