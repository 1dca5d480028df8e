// `GET /_admin/stream`: Server-Sent Events telling a watcher (the console) what changed, so it refetches only
// then. Changes are coalesced: at most one message per `minGapMs` per watcher, carrying every kind seen since
// the last one, so a burst of a thousand requests costs a watcher a handful of refetches, not a thousand. A
// watcher that reads slowly is not written to until it drains; its pending kinds just accumulate.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine, EngineChange } from '../engine/api.ts';
import { serviceError } from '../errors.ts';
import type { ChangeMessage } from './views.ts';

export interface StreamOptions {
  /** Least time between two messages to one watcher. */
  minGapMs: number;
  /** A comment line this often keeps proxies from timing out an idle stream and reveals dead peers. */
  heartbeatMs: number;
  /** What EventSource waits before reconnecting after a drop. */
  retryMs: number;
}

const DEFAULT_OPTIONS: StreamOptions = { minGapMs: 100, heartbeatMs: 15_000, retryMs: 1000 };

export class ChangeStreams {
  private readonly open = new Set<ServerResponse>();
  private readonly options: StreamOptions;
  private closed = false;

  constructor(
    private readonly engine: Engine,
    options: Partial<StreamOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** How many watchers are connected (for tests and diagnostics). */
  get size(): number {
    return this.open.size;
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed) throw serviceError('ServiceUnavailable', 'The server is shutting down; retry shortly.');
    const { minGapMs, heartbeatMs, retryMs } = this.options;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // nginx would otherwise buffer the stream until it has a few kilobytes.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    // The first message says the stream is live; a watcher (re)loads everything then, which also covers
    // whatever changed while it was disconnected.
    res.write(`retry: ${retryMs}\n\nevent: ready\ndata: ${JSON.stringify({ changes: ['all'] })}\n\n`);

    const pending = new Set<EngineChange>();
    let timer: NodeJS.Timeout | undefined;
    let lastSent = 0;
    let blocked = false;

    const flush = () => {
      timer = undefined;
      if (pending.size === 0 || blocked) return;
      const message: ChangeMessage = { changes: [...pending] };
      pending.clear();
      lastSent = Date.now();
      if (!res.write(`event: change\ndata: ${JSON.stringify(message)}\n\n`)) {
        blocked = true;
        res.once('drain', () => {
          blocked = false;
          schedule();
        });
      }
    };
    const schedule = () => {
      if (timer || blocked || pending.size === 0) return;
      timer = setTimeout(flush, Math.max(0, lastSent + minGapMs - Date.now()));
    };
    const off = this.engine.onChange((change) => {
      pending.add(change);
      schedule();
    });
    const heartbeat = setInterval(() => {
      if (!blocked) res.write(': keep-alive\n\n');
    }, heartbeatMs);

    this.open.add(res);
    res.on('close', () => {
      off();
      clearTimeout(timer);
      clearInterval(heartbeat);
      this.open.delete(res);
    });
    req.on('error', () => res.destroy());
  }

  /** Ends every stream: a server that closes must not wait for watchers that never hang up. */
  closeAll(): void {
    this.closed = true;
    for (const res of this.open) res.end();
  }
}
