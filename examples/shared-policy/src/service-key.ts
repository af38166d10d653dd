// A stand-in for @auth/core's apiKey() and generateApiKey(), which core does not export yet: the
// same option shape (`keys: [{ hash, subject, roles }]`) and the same answers (`x-api-key`, hashed
// at rest, compared in constant time, repeated header 400, unknown key 401). Swap the import in
// policy.ts for the built-ins once they are public; nothing else changes.
import { AuthContext, InvalidRequest, InvalidToken, type Authenticate } from '@auth/core';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ServiceKeyEntry {
  /** `'sha256:'` + hex SHA-256 of the key: what is stored instead of the key. */
  readonly hash: string;
  readonly subject: string;
  readonly roles?: readonly string[];
}

export interface GeneratedServiceKey {
  /** Shown to its owner once. */
  readonly key: string;
  readonly hash: string;
}

const HEADER = 'x-api-key';
const HASH = /^sha256:([0-9a-f]{64})$/;

/** `<prefix>_<43 base64url characters>` (256 random bits) and its storable hash. */
export function generateServiceKey(prefix: string): GeneratedServiceKey {
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, hash: `sha256:${sha256(key).toString('hex')}` };
}

/** Authenticates `x-api-key`; null when the header is absent so the next provider can answer. */
export function serviceKey(options: { readonly keys: readonly ServiceKeyEntry[] }): Authenticate {
  const entries = options.keys.map((entry) => {
    const hex = HASH.exec(entry.hash)?.[1];
    if (hex === undefined) throw new TypeError(`serviceKey: key for ${entry.subject} needs a 'sha256:<hex>' hash`);
    return {
      digest: Buffer.from(hex, 'hex'),
      context: new AuthContext({ subject: entry.subject, roles: entry.roles ?? [], method: 'api_key' }),
    };
  });
  return async (req) => {
    const values = req.headers.getAll(HEADER);
    if (values.length === 0) return null;
    if (values.length > 1) throw new InvalidRequest('Credentials were sent more than once.');
    const presented = sha256(values[0]!.trim());
    // Every entry is compared, so the time taken does not tell which one matched.
    let found: AuthContext | null = null;
    for (const entry of entries) if (timingSafeEqual(presented, entry.digest) && found === null) found = entry.context;
    if (found === null) throw new InvalidToken();
    return found;
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
