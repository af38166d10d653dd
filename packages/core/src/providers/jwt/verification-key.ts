import { crypto } from '../../crypto/backend.js';
import { joseJwsKey } from '../../crypto/jose-jws.js';
import { algorithmsFor, signatureLength, type AsyncJwsVerify, type ImportedJwsKey, type JwsAlgorithm, type JwsVerify, type KeyShape } from '../../crypto/jws.js';
import { ImproperlyConfigured } from '../../errors.js';
import type { KeyInput } from './key-input.js';

/** RSA keys below 2048 bits are refused (RFC 7518 §3.3). */
const MIN_RSA_BITS = 2048;

/**
 * How long verdicts reached with a key may be reused: until a JWKS refresh drops the key
 * (`retired`) or the key set it came from goes stale (`validUntil`, epoch ms).
 */
export interface KeyLease {
  retired: boolean;
  validUntil: number;
}

/** One key imported for one algorithm: what a token's signature is checked with. */
export interface VerificationKey {
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
  readonly signatureLength: number;
  readonly verify: JwsVerify | AsyncJwsVerify;
  /** True when `verify` answers synchronously (the installed backend's node:crypto path). */
  readonly sync: boolean;
  readonly lease: KeyLease;
}

/**
 * Imports `input` once and prepares a verifier for each allowed algorithm it serves: synchronously
 * through the installed backend when it can (node:crypto), otherwise through jose (asynchronous
 * import, then reuse). What the key is (type, curve, RSA size) is read from the imported key; one
 * that will not import or is refused gives ImproperlyConfigured naming the option.
 */
export function importKeys(input: KeyInput, allowed: ReadonlySet<JwsAlgorithm>, lease: KeyLease): VerificationKey[] | Promise<VerificationKey[]> {
  const wanted = input.algorithms.filter((alg) => allowed.has(alg));
  if (wanted.length === 0) return [];
  const make = (alg: JwsAlgorithm, shape: KeyShape, verify: JwsVerify | AsyncJwsVerify, sync: boolean): VerificationKey =>
    Object.freeze({ alg, kid: input.kid, signatureLength: signatureLength(alg, shape), verify, sync, lease });
  const sync = crypto().jwsKey;
  if (sync !== undefined) {
    let key: ImportedJwsKey<JwsVerify>;
    try {
      key = sync(input.material);
    } catch {
      throw refused(input, null);
    }
    const shape = accepted(key, input);
    return served(shape, wanted).map((alg) => make(alg, shape, key.verifier(alg), true));
  }
  return joseJwsKey(input.material).then(async (key) => {
    const shape = accepted(key, input);
    try {
      return await Promise.all(served(shape, wanted).map(async (alg) => make(alg, shape, await key.verifier(alg), false)));
    } catch {
      throw refused(input, null);
    }
  });
}

function accepted(key: ImportedJwsKey<unknown>, input: KeyInput): KeyShape {
  const shape = key.shape;
  if (shape === null || (shape.kty === 'RSA' && shape.modulusBits < MIN_RSA_BITS)) throw refused(input, shape);
  return shape;
}

function served(shape: KeyShape, wanted: readonly JwsAlgorithm[]): JwsAlgorithm[] {
  const usable = algorithmsFor(shape);
  return wanted.filter((alg) => usable.includes(alg));
}

function refused(input: KeyInput, shape: KeyShape | null): ImproperlyConfigured {
  const reason = shape?.kty === 'RSA' ? 'is an RSA key under 2048 bits' : 'is not a valid RSA (2048 bits or more), P-256/384/521 or Ed25519 public key';
  return new ImproperlyConfigured(`${input.where} ${reason}`);
}

/** Keys by algorithm, then kid. */
export class KeySet {
  readonly #byAlg = new Map<JwsAlgorithm, VerificationKey[]>();
  readonly #matchKid: boolean;

  /** With `matchKid` false (a single configured key) a token's `kid` is not consulted. */
  constructor(keys: readonly VerificationKey[], matchKid: boolean) {
    for (const key of keys) {
      const list = this.#byAlg.get(key.alg);
      if (list === undefined) this.#byAlg.set(key.alg, [key]);
      else list.push(key);
    }
    this.#matchKid = matchKid;
  }

  /** The single key for `alg` and `kid`; undefined when none or more than one match. */
  find(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | undefined {
    const list = this.#byAlg.get(alg);
    if (list === undefined) return undefined;
    if (!this.#matchKid || kid === undefined) return list.length === 1 ? list[0] : undefined;
    let found: VerificationKey | undefined;
    for (const key of list) {
      if (key.kid !== kid) continue;
      if (found !== undefined) return undefined;
      found = key;
    }
    return found;
  }
}
