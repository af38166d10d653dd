import type { AuthContext } from '../context.js';
import { ImproperlyConfigured } from '../errors.js';
import { syncTwin, withSyncTwin, type Authenticate, type AuthenticateSync } from '../policy.js';
import type { AuthRequest } from '../request.js';
import { redact } from '../secret.js';
import { assertSingleTransport, declareTransports, DEFAULT_TRANSPORTS, transportsOf, type CredentialTransport } from './credentials.js';

/**
 * Tries providers in order. A provider that does not recognise the request's credential resolves
 * null and the next one is tried; the first AuthContext wins. Anything else ends the chain: a
 * throw (an invalid credential is 401, so a bad JWT never falls through to a weaker provider) or a
 * value that is neither null nor an AuthContext (returned as is, so the policy answers 401 and
 * logs the faulty hook).
 *
 * Before any provider runs, a request carrying credentials by more than one transport is 400
 * `invalid_request` (RFC 6750 §2). The transports checked are the Authorization header, `?token=`
 * on WebSocket upgrades, and whatever each provider declared (e.g. apiKey's `x-api-key`); see
 * {@link declareTransports} for hooks of your own. Cookies are ambient and never count.
 *
 * @example
 * export const policy = createAuth({
 *   authenticate: anyOf(jwt({ algorithms: ['RS256'], jwksUrl }), apiKey({ keys }), sessions),
 * });
 */
export function anyOf(...providers: Authenticate[]): Authenticate {
  if (providers.length === 0) throw new ImproperlyConfigured('anyOf: give at least one provider');
  providers.forEach((p, i) => {
    if (typeof p !== 'function') throw new ImproperlyConfigured(`anyOf: provider ${i} must be a function`);
  });
  const chain = Object.freeze([...providers]);
  const transports = dedupe([...DEFAULT_TRANSPORTS, ...chain.flatMap((p) => transportsOf(p))]);

  async function authenticate(req: AuthRequest): Promise<AuthContext | null> {
    assertSingleTransport(req, transports);
    for (const provider of chain) {
      const result: unknown = await provider(req);
      if (result === null) continue;
      // An AuthContext wins; anything else also stops here, for the policy to refuse and log.
      return result as AuthContext;
    }
    return null;
  }

  // Synchronous only when every member is; a member's PENDING makes the whole chain PENDING, and
  // the caller then runs it asynchronously from the start (only header parsing is repeated).
  const twins = chain.map(syncTwin);
  if (twins.every((t): t is AuthenticateSync => t !== undefined)) {
    withSyncTwin(authenticate, (req) => {
      assertSingleTransport(req, transports);
      for (const twin of twins) {
        const result = twin(req);
        if (result === null) continue;
        return result;
      }
      return null;
    });
  }

  redact(authenticate, 'anyOf', () => ({ providers: chain.length }));
  return declareTransports(authenticate, transports);
}

function dedupe(list: readonly CredentialTransport[]): CredentialTransport[] {
  const seen = new Map<string, CredentialTransport>();
  for (const t of list) {
    const key = 'header' in t ? `h:${t.header}` : `q:${t.query}`;
    const known = seen.get(key);
    // A query parameter read on HTTP by any provider counts on HTTP.
    if (known === undefined || ('query' in t && t.onHttp === true)) seen.set(key, t);
  }
  return [...seen.values()];
}
