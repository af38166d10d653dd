import { scryptAsync } from '@noble/hashes/scrypt.js';
import { z } from 'zod';
import { timingSafeEqual } from '../../crypto/backend.js';
import { utf8 } from '../../encoding.js';
import { parseOptions } from '../../options.js';
import { base64, base64DecodeStrict } from './base64.js';

/** Scrypt settings encoded in a password hash: `N = 2^ln`, block size `r`, parallelism `p`. */
export interface PasswordHashParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

export interface HashPasswordOptions {
  /** log2 of scrypt's N (CPU and memory cost). Default 15 (N = 32768, 32 MiB with r = 8). */
  readonly cost?: number;
  /** Scrypt block size. Default 8. */
  readonly blockSize?: number;
  /** Scrypt parallelism. Default 1. */
  readonly parallelism?: number;
}

export interface ParsedHash extends PasswordHashParams {
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Bounds any stored hash can demand at verification: at most 256 MiB of scrypt memory.
const MAX_MEMORY = 256 * 1024 * 1024;
const PHC = /^\$scrypt\$ln=([1-9][0-9]?),r=([1-9][0-9]?),p=([1-9][0-9]?)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

const optionsSchema = z
  .object({
    cost: z.number().int().min(1).max(20).optional(),
    blockSize: z.number().int().min(1).max(32).optional(),
    parallelism: z.number().int().min(1).max(16).optional(),
  })
  .strict();

/**
 * Hashes a password with scrypt and a random 16-byte salt, in a PHC-style string that carries its
 * own parameters: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (standard base64, unpadded).
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * const auth = basic({ users: { alice: stored } });
 */
export async function hashPassword(password: string, options: HashPasswordOptions = {}): Promise<string> {
  if (typeof password !== 'string' || password === '') throw new TypeError('hashPassword: password must be a non-empty string');
  const opts = parseOptions(optionsSchema, options, 'hashPassword');
  const params: PasswordHashParams = { ln: opts.cost ?? 15, r: opts.blockSize ?? 8, p: opts.parallelism ?? 1 };
  if (memory(params) > MAX_MEMORY) throw new TypeError('hashPassword: parameters need more than 256 MiB');
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${base64(salt, false)}$${base64(hash, false)}`;
}

/**
 * True when `password` matches `stored` (from {@link hashPassword}); the digests are compared in
 * constant time. A malformed `stored` string is false, never an exception.
 *
 * @example
 * if (await verifyPassword(input, user.passwordHash)) login(user);
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (parsed === null || typeof password !== 'string') return false;
  return matches(password, parsed);
}

/** The parts of a stored hash, or null when it is malformed or asks for unbounded work. */
export function parsePasswordHash(stored: unknown): ParsedHash | null {
  if (typeof stored !== 'string') return null;
  const match = PHC.exec(stored);
  if (match === null) return null;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.ln > 20 || params.r > 32 || params.p > 16 || memory(params) > MAX_MEMORY) return null;
  const salt = base64DecodeStrict(match[4]!, false);
  const hash = base64DecodeStrict(match[5]!, false);
  if (salt === null || hash === null) return null;
  return { ...params, salt, hash };
}

/** A throwaway hash with the same cost as `like`, so unknown users take as long as known ones. */
export function dummyHash(like: PasswordHashParams): ParsedHash {
  return { ...like, salt: globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES)), hash: globalThis.crypto.getRandomValues(new Uint8Array(HASH_BYTES)) };
}

/** Derives from `password` with `parsed`'s salt and cost and compares in constant time. */
export async function matches(password: string, parsed: ParsedHash): Promise<boolean> {
  return timingSafeEqual(await derive(password, parsed.salt, parsed), parsed.hash);
}

function derive(password: string, salt: Uint8Array, params: PasswordHashParams): Promise<Uint8Array> {
  return scryptAsync(utf8(password), salt, { N: 2 ** params.ln, r: params.r, p: params.p, dkLen: HASH_BYTES, maxmem: MAX_MEMORY + 1024 * 1024 });
}

function memory(params: PasswordHashParams): number {
  return 128 * params.r * (2 ** params.ln + params.p + 1);
}
