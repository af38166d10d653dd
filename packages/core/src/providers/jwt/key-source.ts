import type { JwsAlgorithm } from '../../crypto/jws.js';
import { ImproperlyConfigured, InvalidToken } from '../../errors.js';
import type { KeyInput } from './key-input.js';
import { KeySet, prepareKey, type KeyLease, type VerificationKey } from './verification-key.js';

/** Where the verification key for a token comes from. */
export interface KeySource {
  /** The key for this alg and kid; throws InvalidToken when there is none, ServiceUnavailable when keys cannot be had. */
  key(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | Promise<VerificationKey>;
}

/**
 * Keys known at start-up (a secret, a public key, a local JWKS), each imported once per allowed
 * algorithm. On node:crypto the import is synchronous; on WebCrypto the first request awaits it.
 */
export class StaticKeys implements KeySource {
  #set: KeySet | undefined;
  readonly #pending: Promise<KeySet> | undefined;

  constructor(inputs: readonly KeyInput[], algorithms: ReadonlySet<JwsAlgorithm>, matchKid: boolean, where: string) {
    const lease: KeyLease = { retired: false, validUntil: Infinity };
    const prepared: (VerificationKey | Promise<VerificationKey>)[] = [];
    try {
      for (const input of inputs) {
        for (const alg of input.algorithms) if (algorithms.has(alg)) prepared.push(prepareKey(input, alg, lease));
      }
    } catch {
      throw new ImproperlyConfigured(`${where}: a configured key could not be imported`);
    }
    if (prepared.every((key): key is VerificationKey => !(key instanceof Promise))) {
      this.#set = new KeySet(prepared, matchKid);
      return;
    }
    this.#pending = Promise.all(prepared).then(
      (keys) => (this.#set = new KeySet(keys, matchKid)),
      () => {
        throw new ImproperlyConfigured(`${where}: a configured key could not be imported`);
      },
    );
    // Reported on the first request that needs the key, not as an unhandled rejection.
    this.#pending.catch(() => {});
  }

  key(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | Promise<VerificationKey> {
    const set = this.#set;
    if (set !== undefined) return found(set, alg, kid);
    return this.#pending!.then((ready) => found(ready, alg, kid));
  }
}

function found(set: KeySet, alg: JwsAlgorithm, kid: string | undefined): VerificationKey {
  const key = set.find(alg, kid);
  if (key === undefined) throw new InvalidToken();
  return key;
}
