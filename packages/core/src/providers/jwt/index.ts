export { jwt } from './jwt.js';
export type {
  ClaimPath,
  JsonWebKeySet,
  Jwk,
  JwksOptions,
  JwtClaimNames,
  JwtClaims,
  JwtHeader,
  JwtOptions,
  JwtRevoked,
  JwtToContext,
} from './types.js';
export type { AsymmetricAlgorithm, HmacAlgorithm, JwsAlgorithm } from '../../crypto/jws.js';
