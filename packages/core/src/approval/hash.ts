import { crypto } from '../crypto/backend.js';
import { InvalidRequest } from '../errors.js';
import { canonicalJSON } from './canonical.js';

/**
 * `'sha256:'` + lowercase hex SHA-256 of the UTF-8 RFC 8785 canonical JSON of
 * `{ "action": action, "arguments": args }`: the identity of one exact call, which an approval
 * token is bound to.
 *
 * @throws InvalidRequest (400) when `args` has no canonical JSON form (see {@link canonicalJSON}).
 * @example
 * argumentsHash('transfer', { to: 'acct_1', amount: 10 });
 * // 'sha256:…' — the same for { amount: 10, to: 'acct_1' }
 */
export function argumentsHash(action: string, args: unknown): string {
  if (typeof action !== 'string' || action === '') throw new InvalidRequest('The action name must be a non-empty string.');
  const json = '{"action":' + canonicalJSON(action) + ',"arguments":' + canonicalJSON(args) + '}';
  return 'sha256:' + crypto().sha256Hex(json);
}
