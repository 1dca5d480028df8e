// Turns what a user writes as an endpoint (or just a region) into a base URL.
import { BceClientError } from './errors.ts';

export const DEFAULT_REGION = 'bj';

export function regionEndpoint(region: string): string {
  return `bcc.${region}.baidubce.com`;
}

/**
 * Accepts `http://host:port`, `https://host` or a bare `host[:port]` (https). Any path is dropped: the
 * operation paths are absolute.
 */
export function parseEndpoint(endpoint: string): URL {
  const trimmed = endpoint.trim();
  if (trimmed === '') {
    throw new BceClientError('config', 'Expected an endpoint such as https://bcc.bj.baidubce.com, got ""');
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (cause) {
    throw new BceClientError(
      'config',
      `Expected an endpoint like http://host:port, https://host or a bare host, got ${JSON.stringify(endpoint)}`,
      { cause },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BceClientError(
      'config',
      `Expected an http or https endpoint, got ${JSON.stringify(endpoint)} (${url.protocol.slice(0, -1)})`,
    );
  }
  return new URL(`${url.protocol}//${url.host}`);
}
