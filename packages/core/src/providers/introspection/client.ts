import { ServiceUnavailable } from '../../errors.js';
import { base64 } from '../basic/base64.js';
import { isJsonResponse, readCappedText } from '../response-body.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface IntrospectionClient {
  readonly endpoint: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientAuth: ClientAuthMethod;
  readonly tokenTypeHint: string | null;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly fetch: typeof globalThis.fetch;
}

/**
 * The one place that decides what an unusable introspection endpoint means: 503 with
 * `Retry-After: 1` (as for an unreachable JWKS), so that an outage never authenticates anyone and
 * never reads as "your token is bad".
 */
export function unavailable(): ServiceUnavailable {
  return new ServiceUnavailable('The token could not be checked right now.', 1);
}

/** POSTs the token (RFC 7662 §2.1) and returns the JSON object answered; anything else is 503. */
export async function introspect(client: IntrospectionClient, token: string): Promise<Record<string, unknown>> {
  const form = new URLSearchParams({ token });
  if (client.tokenTypeHint !== null) form.set('token_type_hint', client.tokenTypeHint);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (client.clientAuth === 'client_secret_basic') {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding.
    const pair = formEncode(client.clientId) + ':' + formEncode(client.clientSecret);
    headers.authorization = 'Basic ' + base64(new TextEncoder().encode(pair));
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  let response: Response;
  try {
    response = await client.fetch(client.endpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(client.timeoutMs),
    });
  } catch {
    throw unavailable();
  }
  try {
    if (response.status !== 200) throw unavailable();
    if (!isJsonResponse(response)) throw unavailable();
    const text = await readCappedText(response, client.maxResponseBytes);
    if (text === null) throw unavailable();
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw unavailable();
    return parsed as Record<string, unknown>;
  } catch {
    await response.body?.cancel().catch(() => {});
    throw unavailable();
  }
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
