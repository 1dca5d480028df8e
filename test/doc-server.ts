// The server the README and docs examples run against: a fresh SQLite file, silent, and short but real delays,
// so the waiting loops the examples show do see the intermediate states.
import { type RunningServer, startServer } from '@peerconn/server';

export function startDocServer(dataPath: string): Promise<RunningServer> {
  return startServer({
    port: 0,
    dataPath,
    logLevel: 'silent',
    timing: {
      create: { mode: 'delay', delayMs: 300 },
      accept: { mode: 'delay', delayMs: 200 },
      update: { mode: 'delay', delayMs: 200 },
      delete: { mode: 'delay', delayMs: 200 },
      dnsOpen: { mode: 'delay', delayMs: 200 },
      dnsClose: { mode: 'delay', delayMs: 200 },
    },
  });
}
