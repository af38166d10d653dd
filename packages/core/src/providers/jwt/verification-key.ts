import { crypto } from '../../crypto/backend.js';
import type { JwsAlgorithm, JwsVerify } from '../../crypto/jws.js';
import { webCryptoJwsVerifier, type AsyncJwsVerify } from '../../crypto/webcrypto-jws.js';
import type { KeyInput } from './key-input.js';
import { signatureLength } from './key-shape.js';

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
  readonly lease: KeyLease;
}

/**
 * Imports `input` once for `alg`: synchronously through the installed backend's JWS verifier when
 * it has one (node:crypto), otherwise through WebCrypto (asynchronous import, then reuse).
 */
export function prepareKey(input: KeyInput, alg: JwsAlgorithm, lease: KeyLease): VerificationKey | Promise<VerificationKey> {
  const make = (verify: JwsVerify | AsyncJwsVerify): VerificationKey =>
    Object.freeze({ alg, kid: input.kid, signatureLength: signatureLength(alg, input.shape), verify, lease });
  const sync = crypto().jwsVerifier;
  if (sync !== undefined) return make(sync(alg, input.material));
  return webCryptoJwsVerifier(alg, input.material).then(make);
}

/** Keys by algorithm, then kid. */
export class KeySet {
  readonly #byAlg = new Map<JwsAlgorithm, VerificationKey[]>();
  readonly #matchKid: boolean;
  readonly size: number;

  /** With `matchKid` false (a single configured key) a token's `kid` is not consulted. */
  constructor(keys: readonly VerificationKey[], matchKid: boolean) {
    for (const key of keys) {
      const list = this.#byAlg.get(key.alg);
      if (list === undefined) this.#byAlg.set(key.alg, [key]);
      else list.push(key);
    }
    this.#matchKid = matchKid;
    this.size = keys.length;
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

  all(): readonly VerificationKey[] {
    return [...this.#byAlg.values()].flat();
  }
}
