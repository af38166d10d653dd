import type { JwsAlgorithm } from '../../crypto/jws.js';
import { ImproperlyConfigured, InvalidToken } from '../../errors.js';
import type { KeyInput } from './key-input.js';
import { importKeys, KeySet, type KeyLease, type VerificationKey } from './verification-key.js';

/** Where the verification key for a token comes from. */
export interface KeySource {
  /** The key for this alg and kid; throws InvalidToken when there is none, ServiceUnavailable when keys cannot be had. */
  key(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | Promise<VerificationKey>;
  /**
   * The key when it is at hand without awaiting and without side effects; undefined when only
   * `key` can tell (an import or a fetch is due). Throws InvalidToken when `key` would, for sure.
   */
  keySync(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | undefined;
}

/** Throws unless each allowed algorithm is `served` by some key of the option named by `where`. */
export function requireAlgorithms(allowed: ReadonlySet<JwsAlgorithm>, served: ReadonlySet<JwsAlgorithm>, where: string): void {
  for (const alg of allowed) if (!served.has(alg)) throw new ImproperlyConfigured(`${where} has no key that can verify ${alg}`);
}

/**
 * Keys known at start-up (a secret, a public key, a local JWKS), each checked now and imported once
 * per allowed algorithm (see {@link importKeys}): a refused key throws here, on every runtime.
 */
export class StaticKeys implements KeySource {
  readonly #set: KeySet;

  constructor(inputs: readonly KeyInput[], allowed: ReadonlySet<JwsAlgorithm>, matchKid: boolean, where: string) {
    const lease: KeyLease = { retired: false, validUntil: Infinity };
    const keys = inputs.flatMap((input) => importKeys(input, allowed, lease));
    // A PEM's type is known only from the key itself: checked here as well as from the declarations.
    requireAlgorithms(allowed, new Set(keys.map((key) => key.alg)), where);
    this.#set = new KeySet(keys, matchKid);
  }

  key(alg: JwsAlgorithm, kid: string | undefined): VerificationKey {
    return found(this.#set, alg, kid);
  }

  keySync(alg: JwsAlgorithm, kid: string | undefined): VerificationKey {
    return found(this.#set, alg, kid);
  }
}

function found(set: KeySet, alg: JwsAlgorithm, kid: string | undefined): VerificationKey {
  const key = set.find(alg, kid);
  if (key === undefined) throw new InvalidToken();
  return key;
}
