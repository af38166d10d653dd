// Digests and HMACs for the node backend on node:crypto's one-shot `hash` where it exists.
import { Buffer } from 'node:buffer';
// A namespace import: a runtime whose node:crypto lacks the one-shot `hash` still loads this module.
import * as nodeCrypto from 'node:crypto';

export type HmacDigest = 'sha256' | 'sha384' | 'sha512';

// Block and output sizes in bytes.
const SIZE: Readonly<Record<HmacDigest, { readonly block: number; readonly output: number }>> = {
  sha256: { block: 64, output: 32 },
  sha384: { block: 128, output: 48 },
  sha512: { block: 128, output: 64 },
};
// Longer messages (far beyond any cookie or token this library reads) take createHmac instead of
// growing the scratch buffer further.
const MAX_SCRATCH = 64 * 1024;

type OneShot = (algorithm: string, data: Uint8Array | string, outputEncoding: string) => string | Buffer;

/**
 * node:crypto's one-shot `hash` (Node 20.12+): no stream object per digest. Undefined where the
 * runtime lacks it or it disagrees with `createHash` on a probe (text input is UTF-8 in both).
 */
export const hashOnce: OneShot | undefined = (() => {
  const candidate = (nodeCrypto as { hash?: unknown }).hash;
  if (typeof candidate !== 'function') return undefined;
  const once = candidate as OneShot;
  const probe = 'hash self-check \u00e9\u4e2d\ud83d\ude00';
  const expected = nodeCrypto.createHash('sha256').update(probe, 'utf8').digest();
  try {
    return once('sha256', probe, 'hex') === expected.toString('hex') && expected.equals(once('sha256', Buffer.from(probe), 'buffer') as Buffer) ? once : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * HMAC of the UTF-8 encoding of a text, as unpadded base64url, under a key prepared once.
 *
 * Where node:crypto has the one-shot `hash` (Node 20.12+), the MAC is RFC 2104's construction on it,
 * H((K ^ opad) || H((K ^ ipad) || m)), with both padded keys computed once: `createHmac` builds a
 * stream object per call, which costs more than hashing the padded key again. The result is
 * checked against `createHmac` once, when the key is prepared, and `createHmac` is used whenever
 * the one-shot form is missing, disagrees, or the message is very long.
 */
export function hmacBase64url(digest: HmacDigest, secret: Uint8Array): (text: string) => string {
  const key = nodeCrypto.createSecretKey(secret);
  const viaStream = (text: string): string => nodeCrypto.createHmac(digest, key).update(text, 'utf8').digest('base64url');
  if (hashOnce === undefined) return viaStream;

  const { block, output } = SIZE[digest];
  const hashed = secret.length > block ? nodeCrypto.createHash(digest).update(secret).digest() : secret;
  // Unpooled: these hold key material and must not share a slab with other Buffers.
  let inner = Buffer.allocUnsafeSlow(block + 512);
  const outer = Buffer.allocUnsafeSlow(block + output);
  inner.fill(0x36, 0, block);
  outer.fill(0x5c, 0, block);
  for (let i = 0; i < hashed.length; i++) {
    inner[i]! ^= hashed[i]!;
    outer[i]! ^= hashed[i]!;
  }

  const viaHash = (text: string): string => {
    // Every UTF-16 code unit takes at most 3 bytes of UTF-8 (a lone surrogate becomes U+FFFD, as
    // in createHmac), so the message always fits and `write` never truncates it.
    const room = block + text.length * 3;
    if (room > inner.length) {
      if (room > MAX_SCRATCH) return viaStream(text);
      const grown = Buffer.allocUnsafeSlow(Math.max(room, inner.length * 2));
      inner.copy(grown, 0, 0, block);
      inner.fill(0);
      inner = grown;
    }
    const length = block + inner.write(text, block, 'utf8');
    (hashOnce(digest, inner.subarray(0, length), 'buffer') as Buffer).copy(outer, block);
    return hashOnce(digest, outer, 'base64url') as string;
  };

  const probe = 'hmac self-check \u00e9\u4e2d\ud83d\ude00';
  try {
    if (viaHash(probe) === viaStream(probe)) return viaHash;
  } catch {
    // fall through to createHmac
  }
  return viaStream;
}
