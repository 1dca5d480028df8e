// The console's only way out: the admin API of the server that served the page, same origin, with the admin
// token (when the server has one) as a bearer header on every call. The change stream is read with fetch
// rather than EventSource, because EventSource cannot send that header: the token never has to travel in a
// URL or a cookie.
// Every request body is typed from the admin API's own schemas (AdminBody) and every operation's input from
// the operation table's types, so a change there fails this page's type-check. Only types come from the
// server's sources: nothing of them (zod included) is bundled into the page.
import type { AdminBody } from '../../src/admin/bodies.ts';
import type {
  ActAnswer,
  ActRequest,
  ChangeMessage,
  OperationName,
  RequestFields,
  StateView,
} from '../../src/admin/views.ts';
import type { ReachReport } from '../../src/domain/reachability.ts';
import type { FaultRule, PeerConnEvent, TimingTable } from '../../src/engine/api.ts';

const TOKEN_KEY = 'peerconn-console-admin-token';
/** The admin API sits next to the console: `/_console/` → `/_admin`. */
const ADMIN = new URL('../_admin', document.baseURI).pathname;

export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }

  /** The server wants a (different) admin token. */
  get needsToken(): boolean {
    return this.status === 403 && this.code === 'AccessDenied';
  }
}

export function savedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function saveToken(token: string | undefined): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(json: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const token = savedToken();
  if (token) out.authorization = `Bearer ${token}`;
  if (json) out['content-type'] = 'application/json';
  return out;
}

async function failure(res: Response): Promise<AdminError> {
  const requestId = res.headers.get('x-bce-request-id') ?? undefined;
  try {
    const body = (await res.json()) as { code?: string; message?: string; requestId?: string };
    return new AdminError(
      res.status,
      body.code ?? `HTTP${res.status}`,
      body.message ?? res.statusText,
      body.requestId ?? requestId,
    );
  } catch {
    return new AdminError(res.status, `HTTP${res.status}`, res.statusText || 'No answer body', requestId);
  }
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${ADMIN}${path}`, {
      method,
      headers: headers(body !== undefined),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      cache: 'no-store',
    });
  } catch (error) {
    throw new AdminError(0, 'NetworkError', `The server did not answer: ${String(error)}`, undefined);
  }
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  state: () => call<StateView>('GET', '/state'),
  events: (peerConnId: string) =>
    call<{ events: PeerConnEvent[] }>('GET', `/events?peerConnId=${encodeURIComponent(peerConnId)}`),
  /** One operation as an account at a region's endpoint, its input as the SDK takes it. */
  act: <N extends OperationName>(accountId: string, region: string, operation: N, input: RequestFields<N>) =>
    call<ActAnswer<N>>('POST', '/act', { accountId, region, operation, input } satisfies ActRequest),
  clock: (change: AdminBody<'clock'>) => call<unknown>('POST', '/clock', change),
  timing: (change: AdminBody<'timing'>) => call<{ transitions: TimingTable }>('PUT', '/timing', change),
  runTransitions: (peerConnId?: string) =>
    call<{ applied: number }>(
      'POST',
      '/transitions/run',
      (peerConnId ? { peerConnId } : {}) satisfies AdminBody<'run'>,
    ),
  addFault: (rule: AdminBody<'fault'>) => call<Pick<FaultRule, 'id'>>('POST', '/faults', rule),
  removeFault: (id: string) => call<undefined>('DELETE', `/faults/${encodeURIComponent(id)}`),
  clearFaults: () => call<undefined>('DELETE', '/faults'),
  reach: (query: AdminBody<'reachability'>) => call<ReachReport>('POST', '/reachability', query),
};

export type StreamStatus = 'connecting' | 'live' | 'offline' | 'denied';

/**
 * Follows /_admin/stream: `onChange` for the first message (the stream is live: reload everything) and for
 * every change after it; reconnects with growing pauses until `stop()` is called.
 */
export function watch(
  onChange: (message: ChangeMessage) => void,
  onStatus: (status: StreamStatus) => void,
): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let pause = 500;

  const readOnce = async (): Promise<void> => {
    controller = new AbortController();
    onStatus('connecting');
    const res = await fetch(`${ADMIN}/stream`, {
      headers: headers(false),
      signal: controller.signal,
      cache: 'no-store',
    });
    if (!res.ok || !res.body) {
      const error = await failure(res);
      if (error.needsToken) {
        onStatus('denied');
        stopped = true;
      }
      throw error;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (data === '') continue;
        if (/^event: ready$/m.test(block)) {
          pause = 500;
          onStatus('live');
        }
        onChange(JSON.parse(data) as ChangeMessage);
      }
    }
  };

  const loop = async () => {
    while (!stopped) {
      try {
        await readOnce();
      } catch {
        // Reported through onStatus; a dropped stream is retried below.
      }
      if (stopped) return;
      onStatus('offline');
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  };
  void loop();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
