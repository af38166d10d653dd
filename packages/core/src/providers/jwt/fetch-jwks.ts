import { isJsonResponse, readCappedText } from '../response-body.js';
import { own } from './own.js';
import { parseJsonObject } from './strict-json.js';

export interface JwksFetchSettings {
  readonly url: URL;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/**
 * Fetches the `keys` array of a JWK Set. Throws on anything but a 200 JSON answer holding a JWK
 * Set: redirects are not followed, the body is capped while it streams (after decompression),
 * and the whole exchange, body included, must finish within the timeout.
 */
export async function fetchJwks(settings: JwksFetchSettings): Promise<readonly unknown[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  let response: Response | undefined;
  try {
    response = await fetch(settings.url, {
      method: 'GET',
      redirect: 'manual',
      signal: controller.signal,
      headers: { accept: 'application/jwk-set+json, application/json' },
    });
    if (response.status !== 200) throw new Error('JWKS endpoint did not answer 200');
    if (!isJsonResponse(response)) throw new Error('JWKS endpoint did not answer JSON');
    const text = await readCappedText(response, settings.maxResponseBytes);
    const document = text === null ? null : parseJsonObject(text);
    const keys = document === null ? undefined : own(document, 'keys');
    if (!Array.isArray(keys)) throw new Error('JWKS endpoint did not answer a JWK Set');
    return keys;
  } catch (error) {
    controller.abort();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
