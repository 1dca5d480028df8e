// The SQLite store's checkpointer, on a worker thread of its own (started by store/sqlite-wal.ts): it copies
// committed pages from the WAL into the database file, so that the copy and its two fsyncs never hold up the event
// loop that serves requests. It owns one connection to the database and answers each 'checkpoint' message with the
// outcome of one PASSIVE checkpoint, which never waits for the store's writer or readers. Plain JavaScript, so the
// thread starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file, { fileMustExist: true });
// A checkpoint syncs the WAL before it copies pages into the database file and the database file after: a page
// leaves the WAL only once it is safely where it goes. (synchronous = OFF would skip both.)
db.pragma('synchronous = FULL');

parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ error: { code: error.code, message: error.message } });
  }
});
