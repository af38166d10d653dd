import type { JwsAlgorithm } from '../../crypto/jws.js';
import { InvalidToken, ServiceUnavailable } from '../../errors.js';
import { fetchJwks, type JwksFetchSettings } from './fetch-jwks.js';
import { checkJwk } from './jwk.js';
import { jwkKeyInput } from './key-input.js';
import type { KeySource } from './key-source.js';
import { importKeysNow, KeySet, type KeyLease, type VerificationKey } from './verification-key.js';

// After a failed fetch with no fresh keys, callers get 503 (Retry-After: 1) for this long instead
// of each starting another fetch against an endpoint that is down.
const RETRY_AFTER_FAILURE_MS = 1000;

/** The keys imported from one member of the set, for each allowed algorithm it serves. */
interface ImportedMember {
  readonly lease: KeyLease;
  readonly keys: readonly VerificationKey[];
}

export interface RemoteJwksSettings extends JwksFetchSettings {
  readonly cacheMaxAgeMs: number;
  readonly cooldownMs: number;
  readonly algorithms: ReadonlySet<JwsAlgorithm>;
}

/**
 * A JWKS fetched from a URL and kept for `cacheMaxAgeMs`. An unknown `kid` triggers a refetch at
 * most once per `cooldownMs`; concurrent callers share one fetch. With no fresh keys (never
 * fetched, or stale and the refresh failed) nobody is authenticated: ServiceUnavailable, and the
 * next attempt waits a second. A `kid` that is still unknown while fresh keys are held is an
 * InvalidToken.
 */
export class RemoteJwks implements KeySource {
  readonly #settings: RemoteJwksSettings;
  #set: KeySet | null = null;
  #fetchedAt = -Infinity;
  #attemptedAt = -Infinity;
  #failedAt = -Infinity;
  #inflight: Promise<void> | null = null;
  #byIdentity = new Map<string, ImportedMember>();

  constructor(settings: RemoteJwksSettings) {
    this.#settings = settings;
  }

  key(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | Promise<VerificationKey> {
    if (this.#fresh()) {
      const key = this.#set!.find(alg, kid);
      if (key !== undefined) return key;
    }
    return this.#keyAfterRefresh(alg, kid);
  }

  // Only fresh keys that hold the kid answer synchronously; anything else may mean a fetch.
  keySync(alg: JwsAlgorithm, kid: string | undefined): VerificationKey | undefined {
    return this.#fresh() ? this.#set!.find(alg, kid) : undefined;
  }

  async #keyAfterRefresh(alg: JwsAlgorithm, kid: string | undefined): Promise<VerificationKey> {
    if (!this.#fresh()) {
      if (Date.now() - this.#failedAt < RETRY_AFTER_FAILURE_MS) throw new ServiceUnavailable(undefined, 1);
      await this.#refresh();
      if (!this.#fresh()) throw new ServiceUnavailable(undefined, 1);
      const key = this.#set!.find(alg, kid);
      if (key !== undefined) return key;
    }
    // A fetch already under way is joined (it may bring the kid); a new one waits out the cooldown.
    if (this.#inflight === null && Date.now() - this.#attemptedAt < this.#settings.cooldownMs) throw new InvalidToken();
    await this.#refresh();
    if (!this.#fresh()) throw new ServiceUnavailable(undefined, 1);
    const key = this.#set!.find(alg, kid);
    if (key === undefined) throw new InvalidToken();
    return key;
  }

  #fresh(): boolean {
    return this.#set !== null && Date.now() - this.#fetchedAt < this.#settings.cacheMaxAgeMs;
  }

  #refresh(): Promise<void> {
    return (this.#inflight ??= this.#load().finally(() => {
      this.#inflight = null;
    }));
  }

  // Never rejects: a failed refresh keeps the previous keys, which age out on their own.
  async #load(): Promise<void> {
    this.#attemptedAt = Date.now();
    try {
      const members = await this.#prepare(await fetchJwks(this.#settings));
      if (members.size === 0) throw new Error('the JWK Set holds no usable key');
      const fetchedAt = Date.now();
      for (const { lease } of members.values()) lease.validUntil = fetchedAt + this.#settings.cacheMaxAgeMs;
      // A key the new set no longer holds retires, and every verdict cached with it goes too.
      for (const [identity, { lease }] of this.#byIdentity) if (!members.has(identity)) lease.retired = true;
      this.#byIdentity = members;
      this.#set = new KeySet([...members.values()].flatMap((member) => member.keys), true);
      this.#fetchedAt = fetchedAt;
      this.#failedAt = -Infinity;
    } catch {
      // Unreachable, slow, oversized or malformed: decided by the callers from the keys' age.
      this.#failedAt = Date.now();
    }
  }

  async #prepare(raw: readonly unknown[]): Promise<Map<string, ImportedMember>> {
    const out = new Map<string, ImportedMember>();
    await Promise.all(
      raw.map(async (item) => {
        const checked = checkJwk(item);
        if (!checked.ok) return;
        const { jwk, kid, algorithms } = checked.key;
        const identity = `${algorithms.join(',')} ${kid ?? ''} ${JSON.stringify(jwk)}`;
        const known = this.#byIdentity.get(identity);
        if (known !== undefined && !known.lease.retired) {
          out.set(identity, known);
          return;
        }
        const lease: KeyLease = { retired: false, validUntil: 0 };
        try {
          const keys = await importKeysNow(jwkKeyInput(checked.key, 'jwt: remote JWKS key'), this.#settings.algorithms, lease);
          if (keys.length > 0) out.set(identity, { lease, keys });
        } catch {
          // A key that will not import is skipped, like any other unusable member of the set.
        }
      }),
    );
    return out;
  }
}
