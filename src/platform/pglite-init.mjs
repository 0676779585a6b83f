// Runs in a worker thread: creates a new PGlite data folder and applies the migrations, then exits.
// Creating a cluster grows PGlite's WebAssembly memory to about twice what a running server needs,
// and that memory is never given back; doing it here lets it go with the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';

const client = await PGlite.create(workerData.dir);
try {
  for (const set of workerData.migrationSets) await migrate(drizzle(client), set);
} finally {
  await client.close();
}
parentPort?.postMessage('ready');
