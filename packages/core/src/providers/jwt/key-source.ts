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
 * Keys known at start-up (a secret, a public key, a local JWKS), each imported once per allowed
 * algorithm. On node:crypto the import is synchronous and a refused key throws here; on the
 * portable path the first request awaits the import and gets its ImproperlyConfigured.
 */
export class StaticKeys implements KeySource {
  #set: KeySet | undefined;
  readonly #pending: Promise<KeySet> | undefined;

  constructor(inputs: readonly KeyInput[], allowed: ReadonlySet<JwsAlgorithm>, matchKid: boolean, where: string) {
    const lease: KeyLease = { retired: false, validUntil: Infinity };
    const imported = inputs.map((input) => importKeys(input, allowed, lease));
    const ready = (lists: readonly (readonly VerificationKey[])[]): KeySet => {
      const keys = lists.flat();
      // A PEM's type is known only once imported: checked here as well as from the declarations.
      requireAlgorithms(allowed, new Set(keys.map((key) => key.alg)), where);
      return new KeySet(keys, matchKid);
    };
    if (imported.every((keys): keys is VerificationKey[] => Array.isArray(keys))) {
      this.#set = ready(imported);
      return;
    }
    this.#pending = Promise.all(imported).then((lists) => (this.#set = ready(lists)));
    // Reported on the first request that needs the key, not as an unhandled rejection.
    this.#pending.catch(() => {});
  }

  key(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | Promise<VerificationKey> {
    const set = this.#set;
    if (set !== undefined) return found(set, alg, kid);
    return this.#pending!.then((ready) => found(ready, alg, kid));
  }

  keySync(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | undefined {
    const set = this.#set;
    return set === undefined ? undefined : found(set, alg, kid);
  }
}

function found(set: KeySet, alg: JwsAlgorithm, kid: string | undefined): VerificationKey {
  const key = set.find(alg, kid);
  if (key === undefined) throw new InvalidToken();
  return key;
}
