import { crypto } from '../../crypto/backend.js';
import { joseJwsVerifier } from '../../crypto/jose-jws.js';
import { algorithmsFor, signatureLength, type AsyncJwsVerify, type ImportedJwsKey, type JwsAlgorithm, type JwsVerify, type KeyShape } from '../../crypto/jws.js';
import { ImproperlyConfigured } from '../../errors.js';
import type { KeyInput } from './key-input.js';
import { declaredShape } from './key-shape.js';

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
  /** Imports the key where that is still to do (portable path); rejects with ImproperlyConfigured when it will not. */
  readonly prepare: () => Promise<unknown>;
}

/**
 * Imports `input` once and prepares a verifier for each allowed algorithm it serves. What the key
 * is (type, curve, RSA size) is known now, so a key that is malformed, of the wrong kind or too
 * small gives ImproperlyConfigured naming the option, at start-up, on every runtime:
 * - through the installed backend (node:crypto), the key is imported now, synchronously, and read
 *   from the imported key;
 * - on the portable path, it is read from the key's encoding, and imported through jose on first
 *   use (or by {@link importKeysNow}). An import that fails or disagrees with the encoding (a curve
 *   point off its curve, say) then fails every check with the same ImproperlyConfigured.
 */
export function importKeys(input: KeyInput, allowed: ReadonlySet<JwsAlgorithm>, lease: KeyLease): VerificationKey[] {
  const wanted = input.algorithms.filter((alg) => allowed.has(alg));
  if (wanted.length === 0) return [];
  const make = (alg: JwsAlgorithm, shape: KeyShape, verify: JwsVerify | AsyncJwsVerify, sync: boolean, prepare: () => Promise<unknown>): VerificationKey =>
    Object.freeze({ alg, kid: input.kid, signatureLength: signatureLength(alg, shape), verify, sync, lease, prepare });
  const sync = crypto().jwsKey;
  if (sync !== undefined) {
    let key: ImportedJwsKey<JwsVerify>;
    try {
      key = sync(input.material);
    } catch {
      throw refused(input, null);
    }
    const shape = accepted(key.shape, input);
    return served(shape, wanted).map((alg) => make(alg, shape, key.verifier(alg), true, imported));
  }
  const shape = accepted(declaredShape(input.material), input);
  return served(shape, wanted).map((alg) => {
    let ready: Promise<AsyncJwsVerify> | undefined;
    // Once imported, checks call the verifier directly, without waiting on the import again.
    let verifier: AsyncJwsVerify | undefined;
    const prepare = (): Promise<AsyncJwsVerify> =>
      (ready ??= joseJwsVerifier(input.material, shape, alg).then(
        (imported) => (verifier = imported),
        () => {
          throw refused(input, null);
        },
      ));
    const verify: AsyncJwsVerify = (jws) => (verifier !== undefined ? verifier(jws) : prepare().then((imported) => imported(jws)));
    return make(alg, shape, verify, false, prepare);
  });
}

const imported = (): Promise<void> => Promise.resolve();

/** {@link importKeys}, with every key imported before it resolves: rejects when one will not import. */
export async function importKeysNow(input: KeyInput, allowed: ReadonlySet<JwsAlgorithm>, lease: KeyLease): Promise<VerificationKey[]> {
  const keys = importKeys(input, allowed, lease);
  await Promise.all(keys.map((key) => key.prepare()));
  return keys;
}

function accepted(shape: KeyShape | null, input: KeyInput): KeyShape {
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
