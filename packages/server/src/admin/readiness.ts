// Readiness, for load balancers and orchestrators: whether this server can do its job now. The liveness answer
// (`GET /_admin/healthz`) says only that the process answers, so that nobody restarts a server because its
// database is down; readiness also asks the state store and answers 503 with the reason while it is unreachable
// or full, so that traffic goes elsewhere until it is back (docs/server.md, "When things fail").
import type { ServerResponse } from 'node:http';
import type { Engine } from '../engine/api.ts';
import { sendJson } from '../http/respond.ts';
import { describeOutage, RETRY_AFTER_SECONDS } from '../store/availability.ts';

export async function answerReadiness(engine: Engine, res: ServerResponse): Promise<void> {
  const health = engine.storeHealth();
  const status = await health.check();
  if (status.available) {
    sendJson(res, 200, { status: 'ready' });
    return;
  }
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS[status.reason]));
  sendJson(res, 503, {
    status: 'unavailable',
    reason: status.reason,
    message: describeOutage(status.reason, health.storeName),
    since: new Date(status.since).toISOString(),
  });
}
