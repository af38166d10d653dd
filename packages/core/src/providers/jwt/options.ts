import { z } from 'zod';
import { JWS_ALGORITHM_NAMES, JWS_ALGORITHMS, type JwsAlgorithm } from '../../crypto/jws.js';
import { ImproperlyConfigured } from '../../errors.js';
import { parseOptions } from '../../options.js';
import type { ClaimRules } from './claims.js';
import { normalizeTyp, type HeaderRules } from './header.js';
import { checkJwk } from './jwk.js';
import { jwkKeyInput, publicKeyInput, secretKeyInput, type KeyInput } from './key-input.js';
import { requireAlgorithms, StaticKeys, type KeySource } from './key-source.js';
import { jwksUrl, redactedUrl } from './jwks-url.js';
import { RemoteJwks } from './remote-jwks.js';
import { defaultToContext } from './to-context.js';
import type { JwtOptions, JwtRevoked, JwtToContext } from './types.js';

const WHERE = 'jwt';
const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'must be a function');
const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).readonly()]);
const claimPath = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(8).readonly()]);

const schema = z
  .object({
    algorithms: z.array(z.enum(JWS_ALGORITHM_NAMES as [JwsAlgorithm, ...JwsAlgorithm[]])).min(1).readonly(),
    // Key material is checked by hand below, with messages that never quote it.
    secret: z.unknown().optional(),
    key: z.unknown().optional(),
    jwks: z.unknown().optional(),
    jwksUrl: z.union([z.string().min(1), z.instanceof(URL)]).optional(),
    jwksOptions: z
      .object({
        cacheMaxAgeMs: z.number().int().min(1000).max(86_400_000).optional(),
        cooldownMs: z.number().int().min(0).max(3_600_000).optional(),
        timeoutMs: z.number().int().min(1).max(60_000).optional(),
        maxResponseBytes: z.number().int().min(1024).max(16 * 1024 * 1024).optional(),
      })
      .strict()
      .optional(),
    issuer: names.optional(),
    audience: names.optional(),
    clockTolerance: z.number().min(0).max(300).optional(),
    maxTokenAge: z.number().positive().max(31_536_000).optional(),
    requireExp: z.boolean().optional(),
    typ: z.string().min(1).optional(),
    maxTokenSize: z.number().int().min(256).max(65_536).optional(),
    claims: z.object({ roles: claimPath.optional(), permissions: claimPath.optional(), scopes: claimPath.optional() }).strict().optional(),
    toContext: fn<JwtToContext>().optional(),
    revoked: fn<JwtRevoked>().optional(),
    cache: z.union([z.literal(false), z.object({ max: z.number().int().min(1).max(1_000_000).optional() }).strict()]).optional(),
  })
  .strict();

/** Everything a `jwt()` provider decides with, fixed at construction. */
export interface JwtSettings {
  readonly keys: KeySource;
  readonly header: HeaderRules;
  readonly claims: ClaimRules;
  readonly maxTokenSize: number;
  readonly toContext: JwtToContext;
  /** True when `toContext` is the built-in (synchronous) mapping, not the caller's. */
  readonly defaultToContext: boolean;
  readonly revoked: JwtRevoked | undefined;
  /** 0 disables the verified-token cache. */
  readonly cacheMax: number;
  /** What inspect and toJSON show: no key material, no URL query. */
  readonly summary: Readonly<Record<string, unknown>>;
}

const KEY_SOURCES = ['secret', 'key', 'jwks', 'jwksUrl'] as const;

/** Validates `jwt()` options; any mistake is ImproperlyConfigured naming the option. */
export function compileJwtOptions(options: JwtOptions): JwtSettings {
  const opts = parseOptions(schema, options, WHERE);
  const given = KEY_SOURCES.filter((name) => opts[name] !== undefined);
  if (given.length !== 1) {
    throw new ImproperlyConfigured(`${WHERE}: give exactly one of 'secret', 'key', 'jwks' or 'jwksUrl' (got ${given.length === 0 ? 'none' : given.join(', ')})`);
  }
  const source = given[0]!;
  if (opts.jwksOptions !== undefined && source !== 'jwksUrl') throw new ImproperlyConfigured(`${WHERE}: option 'jwksOptions' needs 'jwksUrl'`);
  const algorithms = new Set(opts.algorithms);
  for (const alg of algorithms) {
    const hmac = JWS_ALGORITHMS[alg].family === 'HMAC';
    if (hmac && source !== 'secret') throw new ImproperlyConfigured(`${WHERE}: algorithm ${alg} needs 'secret'; it cannot be used with '${source}'`);
    if (!hmac && source === 'secret') throw new ImproperlyConfigured(`${WHERE}: algorithm ${alg} needs a public key ('key', 'jwks' or 'jwksUrl'), not 'secret'`);
  }
  const keys = keySource(source, opts, algorithms);
  const issuer = opts.issuer;
  const audience = opts.audience;
  return {
    keys,
    header: { algorithms, typ: opts.typ === undefined ? null : normalizeTyp(opts.typ) },
    claims: {
      issuers: issuer === undefined ? null : new Set(typeof issuer === 'string' ? [issuer] : issuer),
      audiences: audience === undefined ? null : new Set(typeof audience === 'string' ? [audience] : audience),
      requireExp: opts.requireExp ?? true,
      clockTolerance: opts.clockTolerance ?? 5,
      maxTokenAge: opts.maxTokenAge ?? null,
    },
    maxTokenSize: opts.maxTokenSize ?? 8192,
    defaultToContext: opts.toContext === undefined,
    toContext:
      opts.toContext ??
      defaultToContext({
        roles: opts.claims?.roles ?? 'roles',
        permissions: opts.claims?.permissions ?? 'permissions',
        scopes: opts.claims?.scopes ?? null,
      }),
    revoked: opts.revoked,
    cacheMax: opts.cache === false ? 0 : (opts.cache?.max ?? 10_000),
    summary: Object.freeze({
      algorithms: [...algorithms],
      keys: source === 'jwksUrl' ? `jwksUrl ${redactedUrl(jwksUrl(opts.jwksUrl!, WHERE))}` : `${source} (masked)`,
      ...(issuer === undefined ? {} : { issuer }),
      ...(audience === undefined ? {} : { audience }),
    }),
  };
}

type Parsed = z.output<typeof schema>;

function keySource(source: (typeof KEY_SOURCES)[number], opts: Parsed, algorithms: ReadonlySet<JwsAlgorithm>): KeySource {
  if (source === 'jwksUrl') {
    const jwks = opts.jwksOptions;
    if (typeof fetch !== 'function') throw new ImproperlyConfigured(`${WHERE}: option 'jwksUrl' needs a global fetch()`);
    return new RemoteJwks({
      url: jwksUrl(opts.jwksUrl!, WHERE),
      cacheMaxAgeMs: jwks?.cacheMaxAgeMs ?? 600_000,
      cooldownMs: jwks?.cooldownMs ?? 30_000,
      timeoutMs: jwks?.timeoutMs ?? 5000,
      maxResponseBytes: jwks?.maxResponseBytes ?? 131_072,
      algorithms,
    });
  }
  const where = `${WHERE}: option '${source}'`;
  let inputs: KeyInput[];
  if (source === 'secret') inputs = [secretKeyInput(opts.secret, where)];
  else if (source === 'key') inputs = [publicKeyInput(opts.key, where)];
  else inputs = localJwks(opts.jwks);
  requireAlgorithms(algorithms, new Set(inputs.flatMap((input) => input.algorithms)), where);
  return new StaticKeys(inputs, algorithms, source === 'jwks', where);
}

function localJwks(value: unknown): KeyInput[] {
  const keys = typeof value === 'object' && value !== null ? (value as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) throw new ImproperlyConfigured(`${WHERE}: option 'jwks' must be a JWK Set with a non-empty 'keys' array`);
  const inputs: KeyInput[] = [];
  keys.forEach((item: unknown, i) => {
    const where = `${WHERE}: option 'jwks.keys.${i}'`;
    const checked = checkJwk(item);
    if (checked.ok) inputs.push(jwkKeyInput(checked.key, where));
    else if (!checked.otherUse) throw new ImproperlyConfigured(`${where} ${checked.reason}`);
  });
  return inputs;
}
