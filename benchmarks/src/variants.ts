// The benchmark matrix, shared by the orchestrator and the server processes.

export const FRAMEWORKS = ['hono', 'fastify', 'express'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const VARIANTS = ['none', 'noop', 'eco-hs256', 'eco-es256', 'auth-jwt-hs256', 'auth-jwt-es256', 'auth-apikey'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * The order variants are measured in within a round (reversed every other round, shapes included:
 * see VARIANT_INFO's `shapes`): each compared pair of runs sits side by side, so the two runs of a
 * ratio are seconds apart on this noisy machine.
 */
export const RUN_ORDER: readonly Variant[] = ['eco-hs256', 'auth-jwt-hs256', 'none', 'noop', 'auth-apikey', 'auth-jwt-es256', 'eco-es256'];

/** `reused`: one credential sent by every request. `distinct`: a different token on every request. */
export const SHAPES = ['reused', 'distinct'] as const;
export type Shape = (typeof SHAPES)[number];

/** Which credential a variant's requests carry. `none` sends the HS256 token too, and ignores it. */
export type Credential = 'hs256' | 'es256' | 'apikey';

export interface VariantInfo {
  readonly credential: Credential;
  /** Whether the server checks the credential (401 without it). */
  readonly authenticates: boolean;
  /**
   * Traffic shapes measured for this variant, in the order of a forward round (a reversed round runs
   * them backwards): a distinct-token run next to its ecosystem baseline's, and the reused run of
   * @auth jwt() HS256 next to the no-auth run it is compared with.
   */
  readonly shapes: readonly Shape[];
}

export const VARIANT_INFO: Readonly<Record<Variant, VariantInfo>> = {
  none: { credential: 'hs256', authenticates: false, shapes: ['reused'] },
  // The floor under any promise-based auth middleware: one async middleware that awaits a resolved
  // promise and passes the request on. Not a target; it tells how much of a gap is the framework's.
  noop: { credential: 'hs256', authenticates: false, shapes: ['reused'] },
  'eco-hs256': { credential: 'hs256', authenticates: true, shapes: ['reused', 'distinct'] },
  'eco-es256': { credential: 'es256', authenticates: true, shapes: ['distinct', 'reused'] },
  'auth-jwt-hs256': { credential: 'hs256', authenticates: true, shapes: ['distinct', 'reused'] },
  'auth-jwt-es256': { credential: 'es256', authenticates: true, shapes: ['reused', 'distinct'] },
  'auth-apikey': { credential: 'apikey', authenticates: true, shapes: ['reused'] },
};

const ECOSYSTEM: Readonly<Record<Framework, string>> = { hono: 'hono/jwt', fastify: '@fastify/jwt', express: 'express-jwt' };

export function ecosystemName(fw: Framework): string {
  return ECOSYSTEM[fw];
}

/** A human label, e.g. `@auth/hono jwt() HS256` or `@fastify/jwt ES256`. */
export function variantLabel(fw: Framework, variant: Variant): string {
  switch (variant) {
    case 'none':
      return `${fw} (no auth)`;
    case 'noop':
      return `${fw} + no-op async middleware`;
    case 'eco-hs256':
      return `${ECOSYSTEM[fw]} HS256`;
    case 'eco-es256':
      return `${ECOSYSTEM[fw]} ES256`;
    case 'auth-jwt-hs256':
      return `@auth/${fw} jwt() HS256`;
    case 'auth-jwt-es256':
      return `@auth/${fw} jwt() ES256`;
    case 'auth-apikey':
      return `@auth/${fw} apiKey()`;
  }
}

export function isFramework(value: string): value is Framework {
  return (FRAMEWORKS as readonly string[]).includes(value);
}

export function isVariant(value: string): value is Variant {
  return (VARIANTS as readonly string[]).includes(value);
}

export function isShape(value: string): value is Shape {
  return (SHAPES as readonly string[]).includes(value);
}
