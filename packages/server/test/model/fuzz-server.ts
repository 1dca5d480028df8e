// The server as a child process for the fuzz suite, started through startServer so that options the command
// line does not offer (a short request timeout, for stalled bodies) can be set; prints `ready <port>` once up.
// Its memory is measured from outside (/proc/<pid>/status), so nothing of the test runs in it.
import type { ServerOptions } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const server = await startServer({ ...options, port: 0, logLevel: 'silent' });
process.stdout.write(`ready ${server.listeners[0]?.port}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
