// A minimal client that puts requests on the wire the way bce-sdk-go does, and decodes answers the way it does,
// so tests can show the server serves the Go SDK (and so the Terraform provider) without relying on our SDK's
// own transport. Only the signer is shared with @peerconn/sdk.
import { randomInt, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { formatBceTimestamp, sign } from '@peerconn/sdk/internal';

export interface GoCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** bce.BceServiceError: an HTTP answer >= 400 with a decoded `{code, message, requestId}` body. */
export class GoServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly requestId: string,
  ) {
    super(`[Code: ${code}; Message: ${message}; RequestId: ${requestId}]`);
  }
}

/**
 * bce.BceClientError. A 2xx answer whose body is empty where Go expects JSON ends up here with the message
 * "EOF" (json.Decoder on an empty stream), which is what the provider's PeerConnNotFound list matches.
 */
export class GoClientError extends Error {}

/** One request as it left the client, so tests can assert on the wire shape. */
export interface SentRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string;
}

type QueryParam = readonly [string, string | undefined];

/** Go ranges over a map to build the query string, so the order differs from call to call. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function queryString(params: readonly QueryParam[]): string {
  // bce-sdk-go writes a flag (empty value) as the bare key, every other value URI-encoded.
  return params
    .map(([key, value]) =>
      value === undefined || value === ''
        ? encodeURIComponent(key)
        : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
    )
    .join('&');
}

/** bce.BackOffRetryPolicy: up to 3 retries, delay base·2^attempt capped at 20 s (base 300 ms in Go). */
export interface GoRetryPolicy {
  maxErrorRetry: number;
  baseIntervalMs: number;
  maxDelayMs: number;
}

export const GO_DEFAULT_RETRY: GoRetryPolicy = { maxErrorRetry: 3, baseIntervalMs: 300, maxDelayMs: 20_000 };

function goShouldRetry(error: unknown): boolean {
  if (error instanceof GoServiceError) {
    if ([500, 502, 503].includes(error.statusCode)) return true;
    return (error.statusCode === 400 && error.code === 'Http400') || error.code === 'RequestExpired';
  }
  // Network failures are net.Error in Go and retried; a decode failure (EOF) is not.
  return !(error instanceof GoClientError);
}

export class GoStyleClient {
  readonly sent: SentRequest[] = [];
  private readonly url: URL;

  constructor(
    endpoint: string,
    private readonly credentials: GoCredentials,
    private readonly retry: GoRetryPolicy = GO_DEFAULT_RETRY,
  ) {
    this.url = new URL(endpoint);
  }

  /** Like bce.BceClient.SendRequest: the same request again after each retryable failure, re-signed. */
  async call(
    method: string,
    path: string,
    params: readonly QueryParam[],
    body: unknown,
    expectJson: boolean,
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.once(method, path, params, body, expectJson);
      } catch (error) {
        if (attempt >= this.retry.maxErrorRetry || !goShouldRetry(error)) throw error;
        const delay = Math.min(this.retry.baseIntervalMs * 2 ** attempt, this.retry.maxDelayMs);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Sends one request. `params` with value undefined are flags; `expectJson` mirrors WithResult(): the body is
   * decoded and an empty one is the EOF client error.
   */
  private async once(
    method: string,
    path: string,
    params: readonly QueryParam[],
    body: unknown,
    expectJson: boolean,
  ): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const host = this.url.host;
    const headers: Record<string, string> = {
      Host: host,
      'Content-Type': 'application/json;charset=utf-8',
      'x-bce-date': formatBceTimestamp(new Date()),
      'User-Agent': 'bce-sdk-go/0.9.273/go1.22.0/linux/amd64',
    };
    if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
    const signedHeaders = ['content-type', 'host', 'x-bce-date'];
    if (payload !== undefined) signedHeaders.unshift('content-length');
    headers.Authorization = sign({
      method,
      path,
      query: params.map(([k, v]) => [k, v ?? ''] as const),
      headers,
      accessKeyId: this.credentials.accessKeyId,
      secretAccessKey: this.credentials.secretAccessKey,
      signedHeaders,
    });
    // Added after signing, as bce-sdk-go does: the request id travels but is never part of the signature.
    headers['x-bce-request-id'] = randomUUID();
    // net/http writes Content-Length: 0 for a body-less PUT/POST/DELETE on its own, outside the signed set.
    if (payload === undefined && method !== 'GET') headers['Content-Length'] = '0';

    const qs = queryString(shuffled(params));
    const target = qs === '' ? path : `${path}?${qs}`;
    this.sent.push({
      method,
      target,
      headers: { ...headers },
      ...(payload === undefined ? {} : { body: payload }),
    });

    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: this.url.hostname, port: this.url.port, method, path: target, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

    if (status >= 400) {
      let decoded: { code?: string; message?: string; requestId?: string } = {};
      try {
        decoded = JSON.parse(text) as typeof decoded;
      } catch {
        // Go keeps the status and leaves code/message empty when the error body is not JSON.
      }
      throw new GoServiceError(status, decoded.code ?? '', decoded.message ?? '', decoded.requestId ?? '');
    }
    if (!expectJson) return undefined;
    if (text.trim() === '') throw new GoClientError('EOF');
    return JSON.parse(text) as unknown;
  }
}

export interface GoPeerConn {
  peerConnId: string;
  role: string;
  status: string;
  bandwidthInMbps: number;
  description: string;
  localIfId: string;
  localIfName: string;
  localVpcId: string;
  localRegion: string;
  peerVpcId: string;
  peerRegion: string;
  peerAccountId: string;
  paymentTiming: string;
  dnsStatus: string;
  createdTime: string;
  expiredTime: string;
}

export interface CreatePeerConnArgs {
  clientToken?: string;
  bandwidthInMbps: number;
  description?: string;
  localIfName?: string;
  localVpcId: string;
  peerAccountId?: string;
  peerVpcId: string;
  peerRegion: string;
  peerIfName?: string;
  billing: {
    paymentTiming?: string;
    reservation?: { reservationLength: number; reservationTimeUnit: string };
  };
}

/** Drops what Go's `omitempty` drops (empty strings, undefined), in struct field order. */
function omitEmpty(entries: Array<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== ''));
}

function withToken(params: QueryParam[], clientToken: string | undefined): QueryParam[] {
  // WithQueryParamFilter: an empty token is not sent at all.
  return clientToken ? [...params, ['clientToken', clientToken]] : params;
}

/** The peerconn methods of bce-sdk-go's vpc.Client, same requests, same decoding. */
export class GoVpcClient {
  readonly http: GoStyleClient;

  constructor(endpoint: string, credentials: GoCredentials, retry: GoRetryPolicy = GO_DEFAULT_RETRY) {
    this.http = new GoStyleClient(endpoint, credentials, retry);
  }

  async createVpc(name: string, cidr: string): Promise<string> {
    const out = (await this.http.call('POST', '/v1/vpc', [], { name, cidr }, true)) as { vpcId: string };
    return out.vpcId;
  }

  async createPeerConn(args: CreatePeerConnArgs): Promise<{ peerConnId: string }> {
    const billing = omitEmpty([
      ['paymentTiming', args.billing.paymentTiming],
      ['reservation', args.billing.reservation],
    ]);
    const body = {
      bandwidthInMbps: args.bandwidthInMbps,
      ...omitEmpty([
        ['description', args.description],
        ['localIfName', args.localIfName],
      ]),
      localVpcId: args.localVpcId,
      ...omitEmpty([['peerAccountId', args.peerAccountId]]),
      peerVpcId: args.peerVpcId,
      peerRegion: args.peerRegion,
      ...omitEmpty([['peerIfName', args.peerIfName]]),
      billing,
    };
    return (await this.http.call('POST', '/v1/peerconn', withToken([], args.clientToken), body, true)) as {
      peerConnId: string;
    };
  }

  async listPeerConn(args: { vpcId?: string; marker?: string; maxKeys?: number } = {}): Promise<{
    peerConns: GoPeerConn[];
    isTruncated: boolean;
    nextMarker?: string;
    maxKeys: number;
  }> {
    const params: QueryParam[] = [];
    if (args.vpcId) params.push(['vpcId', args.vpcId]);
    if (args.marker) params.push(['marker', args.marker]);
    params.push(['maxKeys', String(args.maxKeys || 1000)]);
    return (await this.http.call('GET', '/v1/peerconn', params, undefined, true)) as {
      peerConns: GoPeerConn[];
      isTruncated: boolean;
      nextMarker?: string;
      maxKeys: number;
    };
  }

  async getPeerConnDetail(peerConnId: string, role: string): Promise<GoPeerConn> {
    const params: QueryParam[] = role ? [['role', role]] : [];
    return (await this.http.call('GET', `/v1/peerconn/${peerConnId}`, params, undefined, true)) as GoPeerConn;
  }

  async updatePeerConn(
    peerConnId: string,
    args: { localIfId: string; description?: string; localIfName?: string; clientToken?: string },
  ): Promise<void> {
    const body = {
      localIfId: args.localIfId,
      ...omitEmpty([
        ['description', args.description],
        ['localIfName', args.localIfName],
      ]),
    };
    await this.http.call('PUT', `/v1/peerconn/${peerConnId}`, withToken([], args.clientToken), body, false);
  }

  async acceptPeerConnApply(peerConnId: string, clientToken?: string): Promise<void> {
    await this.http.call(
      'PUT',
      `/v1/peerconn/${peerConnId}`,
      withToken([['accept', undefined]], clientToken),
      undefined,
      false,
    );
  }

  async rejectPeerConnApply(peerConnId: string, clientToken?: string): Promise<void> {
    await this.http.call(
      'PUT',
      `/v1/peerconn/${peerConnId}`,
      withToken([['reject', undefined]], clientToken),
      undefined,
      false,
    );
  }

  async deletePeerConn(peerConnId: string, clientToken?: string): Promise<void> {
    await this.http.call(
      'DELETE',
      `/v1/peerconn/${peerConnId}`,
      withToken([], clientToken),
      undefined,
      false,
    );
  }

  async resizePeerConn(peerConnId: string, newBandwidthInMbps: number, clientToken?: string): Promise<void> {
    await this.http.call(
      'PUT',
      `/v1/peerconn/${peerConnId}`,
      withToken([['resize', undefined]], clientToken),
      { newBandwidthInMbps },
      false,
    );
  }

  async openPeerConnSyncDNS(peerConnId: string, role: string, clientToken?: string): Promise<void> {
    // Go passes the args struct as the body too, so the role travels twice.
    await this.http.call(
      'PUT',
      `/v1/peerconn/${peerConnId}`,
      withToken(
        [
          ['open', undefined],
          ['role', role],
        ],
        clientToken,
      ),
      { role },
      false,
    );
  }

  async closePeerConnSyncDNS(peerConnId: string, role: string, clientToken?: string): Promise<void> {
    await this.http.call(
      'PUT',
      `/v1/peerconn/${peerConnId}`,
      withToken(
        [
          ['close', undefined],
          ['role', role],
        ],
        clientToken,
      ),
      undefined,
      false,
    );
  }
}
