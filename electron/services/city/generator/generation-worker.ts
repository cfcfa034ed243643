/**
 * Runs a city generation on its own thread, so the console's main process stays responsive (and the second core does
 * the work). Bundled to its own file (dist/<host>/generation-worker.cjs); the parent passes its path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../../store/store';
import { generateCity } from './generate-city';
import { STOP_MESSAGE, type GenerationJob, type GenerationMessage } from './generation-protocol';

const job = workerData as GenerationJob;
const post = (message: GenerationMessage): void => parentPort?.postMessage(message);
// Stopping is cooperative: terminating a thread mid-way through loading the native SQLite module can hang it.
const stop = new AbortController();
parentPort?.on('message', (message) => {
  if (message === STOP_MESSAGE) stop.abort();
});
// The port alone must not keep a finished worker alive.
parentPort?.unref();

async function run(): Promise<void> {
  const store = openStore(job.dataDir);
  try {
    let framed = false;
    const summary = await generateCity(store, {
      scale: job.scale,
      seed: job.seed,
      resourcesDir: job.resourcesDir,
      signal: stop.signal,
      onProgress: (progress) => {
        if (!framed && progress.phase !== 'grids') {
          framed = true;
          post({ type: 'framed' });
        }
        post({ type: 'progress', progress });
      },
    });
    post({ type: 'done', summary });
  } finally {
    store.close();
  }
}

run().catch((error: unknown) => {
  post({
    type: 'failed',
    message: error instanceof Error ? error.message : String(error),
    stack: (error as Error)?.stack,
  });
});
