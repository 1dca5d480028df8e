// The floor under a durable write on this disk: a bare better-sqlite3 loop with the server's settings (WAL,
// synchronous=FULL), committing one small row per transaction, then `batch` rows per transaction, for `ms`
// milliseconds each. Run as its own process by bench/floor.bench.ts; prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const [ms = '1000', batch = '50'] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'peerconn-floor-'));
try {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (doc) VALUES (?)');
  const doc = JSON.stringify({ name: 'floor', cidr: '10.0.0.0/16', description: 'x'.repeat(200) });
  const run = (rows) => {
    const tx = db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(doc);
    });
    let commits = 0;
    const start = performance.now();
    const end = start + Number(ms);
    do {
      tx();
      commits++;
    } while (performance.now() < end);
    return { commitsPerSec: (commits * 1000) / (performance.now() - start), rows };
  };
  const single = run(1);
  const batched = run(Number(batch));
  db.close();
  process.stdout.write(`${JSON.stringify({ single, batched })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
