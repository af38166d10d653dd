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
