import { utf8DecodeStrict } from '../../encoding.js';
import { own } from './own.js';
import { parseJsonObject } from './strict-json.js';

export interface JwksFetchSettings {
  readonly url: URL;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

// application/json, application/jwk-set+json and other +json types, with optional parameters.
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json[\t ]*(?:;|$)/i;

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
    if (!JSON_MEDIA_TYPE.test(response.headers.get('content-type') ?? '')) throw new Error('JWKS endpoint did not answer JSON');
    const text = await readCapped(response, settings.maxResponseBytes);
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

async function readCapped(response: Response, max: number): Promise<string | null> {
  const declared = response.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= max)) throw new Error('JWKS response is too large');
  const body = response.body;
  if (body === null) return null;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new Error('JWKS response is too large');
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return utf8DecodeStrict(bytes);
}
