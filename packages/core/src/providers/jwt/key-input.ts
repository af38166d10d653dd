import type { JwsAlgorithm, JwsKeyMaterial } from '../../crypto/jws.js';
import { ImproperlyConfigured } from '../../errors.js';
import { secretBytes } from '../../secret.js';
import { checkJwk } from './jwk.js';
import { algorithmsFor, MIN_RSA_BYTES, type KeyShape } from './key-shape.js';
import { base64Decode, looksLikePem, spkiFromPem } from './pem.js';
import { spkiShape } from './spki.js';

/** One configured key, validated and ready to be imported for each algorithm it serves. */
export interface KeyInput {
  readonly material: JwsKeyMaterial;
  /** Null for an HMAC secret. */
  readonly shape: KeyShape | null;
  readonly kid: string | undefined;
  /** What the key itself can verify, before the allow-list applies. */
  readonly algorithms: readonly JwsAlgorithm[];
}

const HMAC: readonly JwsAlgorithm[] = Object.freeze(['HS256', 'HS384', 'HS512']);
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * An HMAC secret of at least 32 bytes. A secret that is really a public key (PEM, JWK, base64 or
 * raw DER SPKI) is refused: verifying HS256 with a public key as the secret is how RS→HS
 * algorithm confusion forges tokens.
 */
export function secretKeyInput(secret: unknown, where: string): KeyInput {
  const bytes = secretBytes(secret, where);
  const text = typeof secret === 'string' ? secret : lenientUtf8.decode(bytes);
  const trimmed = text.trim();
  if (looksLikePem(text)) throw new ImproperlyConfigured(`${where} looks like a PEM key; a public key goes in 'key'`);
  if (trimmed.startsWith('{')) throw new ImproperlyConfigured(`${where} looks like a JWK; a public key goes in 'key'`);
  const decoded = base64Decode(trimmed);
  if (spkiShape(bytes) !== null || (decoded !== null && spkiShape(decoded) !== null)) {
    throw new ImproperlyConfigured(`${where} looks like an encoded public key; a public key goes in 'key'`);
  }
  return { material: { type: 'secret', bytes }, shape: null, kid: undefined, algorithms: HMAC };
}

/** A public key given as an SPKI PEM, a JWK or a CryptoKey. */
export function publicKeyInput(key: unknown, where: string): KeyInput {
  if (typeof key === 'string') {
    const der = spkiFromPem(key);
    if (der === null) {
      throw new ImproperlyConfigured(`${where} must be a PEM public key ('-----BEGIN PUBLIC KEY-----'), a JWK or a CryptoKey`);
    }
    const shape = spkiShape(der);
    if (shape === null) throw new ImproperlyConfigured(`${where} is not an RSA (2048 bits or more), P-256/384/521 or Ed25519 public key`);
    return { material: { type: 'spki', der }, shape, kid: undefined, algorithms: algorithmsFor(shape) };
  }
  if (isCryptoKey(key)) return cryptoKeyInput(key, where);
  const checked = checkJwk(key);
  if (!checked.ok) throw new ImproperlyConfigured(`${where} ${checked.reason}`);
  const { jwk, shape, kid, algorithms } = checked.key;
  return { material: { type: 'jwk', jwk }, shape, kid, algorithms };
}

function cryptoKeyInput(key: CryptoKey, where: string): KeyInput {
  if (key.type !== 'public') throw new ImproperlyConfigured(`${where} must be a public CryptoKey (got a ${key.type} key)`);
  if (!key.usages.includes('verify')) throw new ImproperlyConfigured(`${where} must be a CryptoKey usable for 'verify'`);
  const algorithm = key.algorithm as KeyAlgorithm & { hash?: { name?: string }; namedCurve?: string; modulusLength?: number };
  const hash = algorithm.hash?.name?.slice(4);
  let shape: KeyShape | null = null;
  let algorithms: JwsAlgorithm[] = [];
  if (algorithm.name === 'RSASSA-PKCS1-v1_5' || algorithm.name === 'RSA-PSS') {
    const modulusBytes = Math.ceil((algorithm.modulusLength ?? 0) / 8);
    if (modulusBytes < MIN_RSA_BYTES) throw new ImproperlyConfigured(`${where} is an RSA key under 2048 bits`);
    shape = { kty: 'RSA', modulusBytes };
    // A WebCrypto RSA key is bound to one padding and one hash.
    algorithms = [`${algorithm.name === 'RSA-PSS' ? 'PS' : 'RS'}${hash}` as JwsAlgorithm];
  } else if (algorithm.name === 'ECDSA' && (algorithm.namedCurve === 'P-256' || algorithm.namedCurve === 'P-384' || algorithm.namedCurve === 'P-521')) {
    shape = { kty: 'EC', crv: algorithm.namedCurve };
  } else if (algorithm.name === 'Ed25519') {
    shape = { kty: 'OKP', crv: 'Ed25519' };
  }
  if (shape === null) throw new ImproperlyConfigured(`${where} is a CryptoKey of an unsupported algorithm`);
  if (algorithms.length === 0) algorithms = algorithmsFor(shape);
  return { material: { type: 'cryptokey', key }, shape, kid: undefined, algorithms: algorithms.filter((alg) => algorithmsFor(shape).includes(alg)) };
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey === 'function' && value instanceof CryptoKey;
}
