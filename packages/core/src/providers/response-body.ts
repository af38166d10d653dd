import { utf8DecodeStrict } from '../encoding.js';

/** `application/json` and `application/*+json` (e.g. jwk-set+json), with optional parameters. */
export const JSON_MEDIA_TYPE = /^application\/(?:[!#$%&'*+.^_`|~0-9a-z-]+\+)?json[\t ]*(?:;|$)/i;

/** True when the response declares a JSON media type. */
export function isJsonResponse(response: Response): boolean {
  return JSON_MEDIA_TYPE.test(response.headers.get('content-type') ?? '');
}

/**
 * The body of an identity service's answer as strict UTF-8 text, or null when it is not valid
 * UTF-8. Throws RangeError past `max` bytes, whether declared up front or found while streaming
 * (after decompression), so a hostile or broken endpoint cannot exhaust memory.
 */
export async function readCappedText(response: Response, max: number): Promise<string | null> {
  const declared = response.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= max)) throw new RangeError('response too large');
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new RangeError('response too large');
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
