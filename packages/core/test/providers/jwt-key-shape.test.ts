import fc from 'fast-check';
import { createPublicKey, ECDH, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyShape, PublicJwk } from '../../src/crypto/jws.js';
import { declaredShape, spkiShape } from '../../src/providers/jwt/key-shape.js';

// What node:crypto makes of a DER SubjectPublicKeyInfo, in the same terms (null: a key no JWS
// algorithm verifies with; 'unreadable': no key at all).
function importedShape(der: Uint8Array): KeyShape | null | 'unreadable' {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch {
    return 'unreadable';
  }
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { kty: 'RSA', modulusBits: details!.modulusLength! };
    case 'ec': {
      const crv = ({ prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' } as const)[details!.namedCurve as string];
      return crv === undefined ? null : { kty: 'EC', crv };
    }
    case 'ed25519':
      return { kty: 'OKP', crv: 'Ed25519' };
    default:
      return null;
  }
}

const spki = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ type: 'spki', format: 'der' }));
const pem = (der: Uint8Array): string => `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----`;

// DER: a tag and its content, with the shortest length form.
function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return new Uint8Array([tag, ...length, ...content]);
}

// The same EC key with its point in SEC 1 compressed form.
function compressed(key: KeyObject, curve: string): Uint8Array {
  const der = spki(key);
  const jwk = key.export({ format: 'jwk' });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const short = ECDH.convertKey(raw, curve, undefined, undefined, 'compressed') as Buffer;
  // The algorithm identifier is the first element inside the outer SEQUENCE.
  const inner = der.subarray(2 + (der[1]! & 0x80 ? der[1]! & 0x7f : 0));
  const algorithm = inner.subarray(0, 2 + inner[1]!);
  return tlv(0x30, new Uint8Array([...algorithm, ...tlv(0x03, new Uint8Array([0, ...short]))]));
}

const KEYS: readonly (readonly [string, Uint8Array])[] = [
  ['RSA 1024', spki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)],
  ['RSA 2048', spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)],
  ['RSA 2056', spki(generateKeyPairSync('rsa', { modulusLength: 2056 }).publicKey)],
  ['RSA 2048, exponent 3', spki(generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).publicKey)],
  ['P-256', spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)],
  ['P-384', spki(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey)],
  ['P-521', spki(generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey)],
  ['P-256 compressed', compressed(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'prime256v1')],
  ['P-384 compressed', compressed(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, 'secp384r1')],
  ['Ed25519', spki(generateKeyPairSync('ed25519').publicKey)],
];
const UNSUPPORTED: readonly (readonly [string, Uint8Array])[] = [
  ['RSA-PSS', spki(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey)],
  ['secp256k1', spki(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey)],
  ['Ed448', spki(generateKeyPairSync('ed448').publicKey)],
  ['X25519', spki(generateKeyPairSync('x25519').publicKey)],
  ['DSA', spki(generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey)],
];

describe('key shapes read from the encoding (the portable path, at start-up)', () => {
  it.each(KEYS)('reads an SPKI %s as node:crypto imports it', (_label, der) => {
    const shape = importedShape(der);
    expect(shape).toHaveProperty('kty');
    expect(spkiShape(der)).toEqual(shape);
    expect(declaredShape({ type: 'spki', pem: pem(der) })).toEqual(shape);
  });

  it.each(UNSUPPORTED)('refuses an SPKI %s key', (_label, der) => {
    expect(spkiShape(der)).toBeNull();
  });

  it.each(KEYS)('refuses an SPKI %s cut short at any length, or with a byte more', (_label, der) => {
    for (let length = 0; length < der.length; length++) expect(spkiShape(der.subarray(0, length))).toBeNull();
    expect(spkiShape(new Uint8Array([...der, 0]))).toBeNull();
  });

  it('never claims another shape than node:crypto imports, whatever bytes it is given (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KEYS, ...UNSUPPORTED),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        ([, original], edits) => {
          const der = new Uint8Array(original);
          for (const [at, byte] of edits) der[at % der.length] = byte;
          const read = spkiShape(der);
          if (read === null) return;
          // Key bytes may now be off the curve, which only the import tells; never another kind of key.
          const imported = importedShape(der);
          if (imported !== 'unreadable') expect(read).toEqual(imported);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses DER whose lengths do not add up or use an indefinite or oversized form', () => {
    const [, p256] = KEYS.find(([label]) => label === 'P-256')!;
    expect(spkiShape(new Uint8Array([0x30, 0x80, ...p256.subarray(2), 0, 0]))).toBeNull();
    expect(spkiShape(new Uint8Array([0x30, 0x85, 0, 0, 0, 0, p256.length - 2, ...p256.subarray(2)]))).toBeNull();
    expect(spkiShape(new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, ...p256.subarray(2)]))).toBeNull();
    expect(spkiShape(new Uint8Array([]))).toBeNull();
    expect(spkiShape(new Uint8Array([0x30]))).toBeNull();
  });

  it('reads a JWK as node:crypto imports it, and refuses coordinates or keys too long for it', () => {
    for (const [, der] of KEYS) {
      const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
      const jwk = key.export({ format: 'jwk' }) as unknown as PublicJwk;
      expect(declaredShape({ type: 'jwk', jwk })).toEqual(importedShape(der));
    }
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const long = Buffer.alloc(33, 1).toString('base64url');
    expect(declaredShape({ type: 'jwk', jwk: { kty: 'EC', crv: 'P-256', x: long, y: p256.y! } })).toBeNull();
    expect(declaredShape({ type: 'jwk', jwk: { kty: 'EC', crv: 'P-256', x: p256.x!, y: long } })).toBeNull();
    // A shorter coordinate (as when an issuer drops leading zero bytes) is left to the import.
    const p256Short = { kty: 'EC', crv: 'P-256', x: Buffer.from(p256.x!, 'base64url').subarray(1).toString('base64url'), y: p256.y! } as const;
    expect(declaredShape({ type: 'jwk', jwk: p256Short })).toEqual({ kty: 'EC', crv: 'P-256' });
    expect(declaredShape({ type: 'jwk', jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } })).toBeNull();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    // A leading zero byte does not make the modulus longer.
    const padded = Buffer.concat([Buffer.from([0]), Buffer.from(rsa.n!, 'base64url')]).toString('base64url');
    expect(declaredShape({ type: 'jwk', jwk: { kty: 'RSA', n: padded, e: rsa.e! } })).toEqual({ kty: 'RSA', modulusBits: 2048 });
    expect(declaredShape({ type: 'jwk', jwk: { kty: 'RSA', n: 'AAAA', e: rsa.e! } })).toBeNull();
    expect(declaredShape({ type: 'jwk', jwk: { kty: 'RSA', n: rsa.n!, e: 'AA' } })).toBeNull();
  });
});
