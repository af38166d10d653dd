import { cryptoKeyAlgorithms } from '../../crypto/crypto-key.js';
import { algorithmsFor, JWS_ALGORITHM_NAMES, type JwsAlgorithm, type JwsKeyMaterial } from '../../crypto/jws.js';
import { ImproperlyConfigured } from '../../errors.js';
import { secretBytes } from '../../secret.js';
import { checkJwk, type CheckedJwk } from './jwk.js';
import { base64Decode, looksLikeDerKey, looksLikePem, publicKeyPem } from './pem.js';

/** One configured key, checked as declared and ready to be imported for the algorithms it serves. */
export interface KeyInput {
  readonly material: JwsKeyMaterial;
  readonly kid: string | undefined;
  /** What the key's declaration allows; the imported key and the allow-list narrow it. */
  readonly algorithms: readonly JwsAlgorithm[];
  /** Names the option in messages (never the material). */
  readonly where: string;
}

const HMAC: readonly JwsAlgorithm[] = Object.freeze(algorithmsFor({ kty: 'oct' }));
const ASYMMETRIC: readonly JwsAlgorithm[] = Object.freeze(JWS_ALGORITHM_NAMES.filter((alg) => !HMAC.includes(alg)));
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * An HMAC secret of at least 32 bytes. A secret that is really a public key (PEM, JWK, base64 or
 * raw DER) is refused: verifying HS256 with a public key as the secret is how RS→HS algorithm
 * confusion forges tokens.
 */
export function secretKeyInput(secret: unknown, where: string): KeyInput {
  const bytes = secretBytes(secret, where);
  const text = typeof secret === 'string' ? secret : lenientUtf8.decode(bytes);
  const trimmed = text.trim();
  if (looksLikePem(text)) throw new ImproperlyConfigured(`${where} looks like a PEM key; a public key goes in 'key'`);
  if (trimmed.startsWith('{')) throw new ImproperlyConfigured(`${where} looks like a JWK; a public key goes in 'key'`);
  const decoded = base64Decode(trimmed);
  if (looksLikeDerKey(bytes) || (decoded !== null && looksLikeDerKey(decoded))) {
    throw new ImproperlyConfigured(`${where} looks like an encoded public key; a public key goes in 'key'`);
  }
  return { material: { type: 'secret', bytes }, kid: undefined, algorithms: HMAC, where };
}

/** A public key given as an SPKI PEM, a JWK or a CryptoKey. */
export function publicKeyInput(key: unknown, where: string): KeyInput {
  if (typeof key === 'string') {
    const pem = publicKeyPem(key);
    if (pem === null) {
      throw new ImproperlyConfigured(`${where} must be a PEM public key ('-----BEGIN PUBLIC KEY-----'), a JWK or a CryptoKey`);
    }
    return { material: { type: 'spki', pem }, kid: undefined, algorithms: ASYMMETRIC, where };
  }
  if (isCryptoKey(key)) {
    if (key.type !== 'public') throw new ImproperlyConfigured(`${where} must be a public CryptoKey (got a ${key.type} key)`);
    if (!key.usages.includes('verify')) throw new ImproperlyConfigured(`${where} must be a CryptoKey usable for 'verify'`);
    const algorithms = cryptoKeyAlgorithms(key);
    if (algorithms.length === 0) throw new ImproperlyConfigured(`${where} is a CryptoKey of an unsupported algorithm`);
    return { material: { type: 'cryptokey', key }, kid: undefined, algorithms, where };
  }
  const checked = checkJwk(key);
  if (!checked.ok) throw new ImproperlyConfigured(`${where} ${checked.reason}`);
  return jwkKeyInput(checked.key, where);
}

export function jwkKeyInput({ jwk, kid, algorithms }: CheckedJwk, where: string): KeyInput {
  return { material: { type: 'jwk', jwk }, kid, algorithms, where };
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey === 'function' && value instanceof CryptoKey;
}
