import { ImproperlyConfigured } from '../../errors.js';

/**
 * The `jwksUrl` option as a URL: absolute, without credentials, and `https:` unless the host is
 * loopback (`localhost`, 127.0.0.0/8, `[::1]`), where plain `http:` cannot be intercepted on the wire.
 */
export function jwksUrl(value: string | URL, where: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ImproperlyConfigured(`${where}: option 'jwksUrl' must be an absolute URL`);
  }
  if (url.username !== '' || url.password !== '') throw new ImproperlyConfigured(`${where}: option 'jwksUrl' must not carry credentials`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw new ImproperlyConfigured(`${where}: option 'jwksUrl' must use https (plain http is allowed for loopback hosts only)`);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Origin and path only: a query string may carry an API key. */
export function redactedUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
