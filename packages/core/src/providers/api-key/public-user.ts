import { z } from 'zod';
import { ImproperlyConfigured, InvalidRequest } from '../../errors.js';
import { parseOptions } from '../../options.js';
import type { AuthRequest } from '../../request.js';
import { singleHeader } from '../credentials.js';

/** Cheshire Cat's public users: the key admits the client, the `user_id` header names the user. */
export interface PublicUserOptions {
  /** Header carrying the user id (also read from the query on WebSocket upgrades). Default `user_id`. */
  readonly header?: string;
  /** Subject when the client sends no user id. Default `user` (Cheshire Cat's). */
  readonly defaultUserId?: string;
  /** Longest accepted user id. Default 128. */
  readonly maxLength?: number;
  /** Characters a user id may hold; anchor it (`^…$`). Default letters, digits and `._@:+-`. */
  readonly pattern?: RegExp;
}

const DEFAULT_PATTERN = /^[A-Za-z0-9._@:+-]+$/;
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const objectSchema = z
  .object({
    header: z.string().regex(HEADER, 'must be a header name').optional(),
    defaultUserId: z.string().min(1).optional(),
    maxLength: z.number().int().min(1).max(1024).optional(),
    pattern: z.instanceof(RegExp, { message: 'must be a RegExp' }).optional(),
  })
  .strict();

export interface PublicUsers {
  readonly header: string;
  readonly defaultUserId: string;
  readonly maxLength: number;
  readonly pattern: RegExp;
}

/** Resolved settings, or null when public users are off; every mistake is ImproperlyConfigured. */
export function publicUsers(input: unknown, where: string): PublicUsers | null {
  if (input === undefined || input === false) return null;
  // Parsed apart from the boolean form so a mistake names its exact option (a zod union would not).
  const given = input === true ? {} : (parseOptions(z.object({ publicUsers: objectSchema }), { publicUsers: input }, where).publicUsers);
  // A global or sticky RegExp keeps state between test() calls; a fresh plain copy does not.
  const pattern = given.pattern === undefined ? DEFAULT_PATTERN : new RegExp(given.pattern.source, given.pattern.flags.replace(/[gy]/g, ''));
  const settings: PublicUsers = Object.freeze({
    header: (given.header ?? 'user_id').toLowerCase(),
    defaultUserId: given.defaultUserId ?? 'user',
    maxLength: given.maxLength ?? 128,
    pattern,
  });
  if (!isValidUserId(settings.defaultUserId, settings)) throw new ImproperlyConfigured(`${where}: option 'publicUsers.defaultUserId' does not satisfy maxLength and pattern`);
  return settings;
}

/** The caller's user id: header, or query on WebSocket upgrades; the default when absent; 400 when malformed or repeated. */
export function readUserId(req: AuthRequest, settings: PublicUsers): string {
  const fromHeader = singleHeader(req, settings.header);
  const fromQuery = req.context.source === 'websocket' ? req.query.getAll(settings.header) : [];
  if (fromQuery.length > 1 || (fromQuery.length === 1 && fromHeader !== null)) throw new InvalidRequest('The user id was sent more than once.');
  const userId = fromHeader ?? fromQuery[0];
  if (userId === undefined) return settings.defaultUserId;
  if (!isValidUserId(userId, settings)) throw new InvalidRequest('The user id is malformed.');
  return userId;
}

function isValidUserId(userId: string, settings: PublicUsers): boolean {
  return userId.length > 0 && userId.length <= settings.maxLength && settings.pattern.test(userId);
}
