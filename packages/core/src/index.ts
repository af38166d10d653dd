export { AuthContext, type AuthContextInit, type MetadataValue } from './context.js';
export {
  AuthRequest,
  requestContext,
  type AuthRequestInit,
  type HeadersInput,
  type QueryInput,
  type ReadonlyMultiMap,
  type RequestContext,
  type RequestEntrypoint,
  type RequestSource,
} from './request.js';
export {
  ApprovalDenied,
  ApprovalRequired,
  AuthError,
  Forbidden,
  HTTPError,
  ImproperlyConfigured,
  InternalError,
  InvalidRequest,
  InvalidToken,
  RateLimited,
  ServiceUnavailable,
  Unauthorized,
  type AuthErrorCode,
  type HTTPErrorOptions,
} from './errors.js';
export { toErrorResponse, type ErrorInfo, type ErrorResponse, type ErrorResponseHook } from './response.js';
export {
  createAuth,
  type ApproveParams,
  type AuthenticateOptions,
  type AuthLogger,
  type AuthOptions,
  type AuthPolicy,
  type Authenticate,
} from './policy.js';
export { ApprovalRequest, type ActionApproval, type ApprovalRequestInit } from './approval/request.js';
export { argumentsHash } from './approval/hash.js';
export { canonicalJSON, MAX_CANONICAL_DEPTH } from './approval/canonical.js';
export { requirement, type CompiledRequirement, type Requirement } from './authorization/guard.js';
export { permits, type PermissionMatrix, type RolePermissions } from './authorization/permissions.js';
export { maskSecret, MIN_SECRET_BYTES } from './secret.js';
export { DEFAULT_SIGNER_SALT, SignedCookieSigner, type SignedCookieSignerOptions, type VerifiedValue } from './signer.js';
export {
  authorizationHeader,
  bearerToken,
  declareTransports,
  type AuthorizationHeader,
  type BearerOptions,
  type CredentialTransport,
} from './providers/credentials.js';
export { apiKey, type ApiKeyOptions, type ApiKeysBySurface, type ApiKeyVerify } from './providers/api-key/provider.js';
export type { ApiKeyEntry, ApiKeyIdentity } from './providers/api-key/key-set.js';
export { generateApiKey, GeneratedApiKey, hashApiKey, type GenerateApiKeyOptions } from './providers/api-key/generate.js';
export type { PublicUserOptions } from './providers/api-key/public-user.js';
export { basic, type BasicOptions, type BasicUser, type BasicVerify } from './providers/basic/provider.js';
export { hashPassword, verifyPassword, type HashPasswordOptions, type PasswordHashParams } from './providers/basic/password.js';
export { introspection, type IntrospectionOptions, type IntrospectionToContext } from './providers/introspection/provider.js';
export type { IntrospectionClaims } from './providers/introspection/claims.js';
export type { ClientAuthMethod } from './providers/introspection/client.js';
export { session, type SessionData, type SessionLoad, type SessionOptions, type SessionProvider } from './providers/session/provider.js';
export { serializeCookie, type CookieOptions } from './providers/session/cookie.js';
export { anyOf } from './providers/any-of.js';
export {
  jwt,
  type AsymmetricAlgorithm,
  type ClaimPath,
  type HmacAlgorithm,
  type JsonWebKeySet,
  type Jwk,
  type JwksOptions,
  type JwsAlgorithm,
  type JwtClaimNames,
  type JwtClaims,
  type JwtHeader,
  type JwtOptions,
  type JwtRevoked,
  type JwtToContext,
} from './providers/jwt/index.js';
