// Baseline servers for the benchmarks: plain node:http in a plain node process, nothing else.
//   node bench/lib/bare-server.mjs hello            → 200 "hello world"
//   node bench/lib/bare-server.mjs replay <file>    → the recorded {status, headers, body(base64)} for every request
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [mode, file] = process.argv.slice(2);
let handler;
if (mode === 'hello') {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello world');
  };
} else if (mode === 'replay' && file) {
  const recorded = JSON.parse(readFileSync(file, 'utf8'));
  const body = Buffer.from(recorded.body, 'base64');
  handler = (_req, res) => {
    res.writeHead(recorded.status, recorded.headers);
    res.end(body);
  };
} else {
  process.stderr.write('usage: bare-server.mjs hello | replay <response.json>\n');
  process.exit(2);
}

const server = createServer(handler);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
// Keep-alive sockets would hold close() open; the load generator has finished by the time we are told to stop.
process.once('SIGTERM', () => server.closeAllConnections());
