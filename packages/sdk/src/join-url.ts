import { ConfigError } from './errors.ts';

/**
 * Appends path segments to a base URL: each segment is percent-encoded (a phone number `+1555…`
 * becomes `%2B1555…`, a `/` inside an id cannot add a path level) and slashes between base and
 * path never double up, whether or not the base ends with `/`.
 *
 * @throws {ConfigError} when `baseUrl` is not an absolute http(s) URL.
 */
export function joinUrl(baseUrl: string, segments: readonly string[]): string {
  const base = parseBaseUrl(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = segments.map((segment) => encodeURIComponent(segment)).join('/');

  return `${base.origin}${prefix}/${path}`;
}

/**
 * Checks a base URL once, at construction.
 *
 * @throws {ConfigError} when it is not an absolute http(s) URL or carries a query or fragment.
 */
export function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(`baseUrl must be an absolute URL such as https://api2.frontapp.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('baseUrl must use http or https.');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('baseUrl must not carry a query, a fragment or credentials.');
  }
  return url;
}
