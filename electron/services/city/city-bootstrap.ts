/**
 * Makes sure the console has a city. On a store without one (a first start on an empty data directory, or a
 * generation that was interrupted) it generates the embedded default city — on a worker thread when the host
 * provides the bundled worker, inline otherwise — and reports progress. The outline is served from resources
 * meanwhile, and the counties and grids become available as soon as their transaction commits, long before the
 * ticket history is done.
 */
import { Worker } from 'node:worker_threads';
import type { CityStatus, GenerationProgressData } from '../../../shared/contract';
import type { Logger } from '../../host/logger';
import type { Store } from '../store/store';
import { cityState, generateCity, type GenerationProgress } from './generator/generate-city';
import { STOP_MESSAGE, type GenerationJob, type GenerationMessage } from './generator/generation-protocol';
import { CITY_SCALES, type CityScale } from './generator/scale';

export interface CityBootstrapOptions {
  store: Store;
  dataDir: string;
  resourcesDir: string;
  scale: CityScale;
  log: Logger;
  /** Path of the bundled generation worker; without it, generation runs on this thread. */
  workerScript?: string;
  onStatus: (status: CityStatus) => void;
  onProgress: (progress: GenerationProgressData) => void;
}

const STOP_GRACE_MS = 15_000;

const toData = (progress: GenerationProgress): GenerationProgressData => ({
  phase: progress.phase,
  fraction: progress.fraction,
  phaseDone: progress.phaseDone,
  phaseTotal: progress.phaseTotal,
  elapsedSeconds: progress.elapsedSeconds,
  etaSeconds: progress.etaSeconds,
});

export class CityBootstrap {
  private status: CityStatus;
  private lastProgress: GenerationProgressData | undefined;
  private readonly abort = new AbortController();
  private worker: Worker | undefined;
  /** Resolves when generation has finished (or at once when the city was already there). */
  readonly settled: Promise<void>;

  constructor(private readonly options: CityBootstrapOptions) {
    const state = cityState(options.store);
    if (state === 'complete') {
      this.status = { state: 'ready', framed: true, scale: this.storedScale(), revision: 0 };
      this.settled = Promise.resolve();
      return;
    }
    this.status = { state: 'generating', framed: false, scale: options.scale, revision: 0 };
    options.log.info('city.generation-started', {
      scale: options.scale,
      interrupted: state === 'partial',
      thread: options.workerScript ? 'worker' : 'main',
    });
    this.settled = (options.workerScript ? this.runInWorker(options.workerScript) : this.runInline()).then(
      () => this.setStatus({ ...this.status, state: 'ready', framed: true }),
      (error: unknown) => {
        if (this.abort.signal.aborted) return;
        options.log.error('city.generation-failed', { error: String(error), stack: (error as Error)?.stack });
        this.setStatus({
          ...this.status,
          state: 'failed',
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
  }

  /** Stops a generation in progress (the partial city is redone at the next start). */
  async stop(): Promise<void> {
    this.abort.abort();
    const worker = this.worker;
    if (worker) {
      worker.postMessage(STOP_MESSAGE);
      // A worker stuck in a long synchronous step gets a grace period, then is terminated.
      const grace = new Promise<'late'>((resolvePromise) =>
        setTimeout(() => resolvePromise('late'), STOP_GRACE_MS).unref(),
      );
      if ((await Promise.race([this.settled, grace])) === 'late') await worker.terminate();
    }
    await this.settled;
  }

  getStatus(): CityStatus & { progress?: GenerationProgressData } {
    return this.status.state === 'generating' && this.lastProgress
      ? { ...this.status, progress: this.lastProgress }
      : this.status;
  }

  /** An import replaced the city: views reload it. */
  cityReplaced(): void {
    this.setStatus({ state: 'ready', framed: true, scale: 'imported', revision: this.status.revision + 1 });
  }

  private storedScale(): CityScale | 'imported' {
    const row = this.options.store.reader().prepare("SELECT value FROM city_meta WHERE key = 'scale'").get() as
      { value: string } | undefined;
    return CITY_SCALES.find((scale) => scale === row?.value) ?? 'imported';
  }

  private setStatus(status: CityStatus): void {
    this.status = status;
    this.options.onStatus(status);
  }

  private progress(progress: GenerationProgressData): void {
    this.lastProgress = progress;
    this.options.onProgress(progress);
  }

  private markFramed(): void {
    if (!this.status.framed) this.setStatus({ ...this.status, framed: true });
  }

  private async runInline(): Promise<void> {
    const { store, scale, resourcesDir, log } = this.options;
    const summary = await generateCity(store, {
      scale,
      resourcesDir,
      signal: this.abort.signal,
      onProgress: (progress) => {
        if (progress.phase !== 'grids') this.markFramed();
        this.progress(toData(progress));
      },
    });
    log.info('city.generated', { ...summary });
  }

  private runInWorker(script: string): Promise<void> {
    const { dataDir, scale, resourcesDir, log } = this.options;
    const job: GenerationJob = { dataDir, scale, resourcesDir };
    return new Promise((resolvePromise, reject) => {
      const worker = new Worker(script, { workerData: job });
      this.worker = worker;
      worker.on('message', (message: GenerationMessage) => {
        if (message.type === 'framed') this.markFramed();
        else if (message.type === 'progress') this.progress(toData(message.progress));
        else if (message.type === 'done') {
          log.info('city.generated', { ...message.summary });
          resolvePromise();
        } else reject(new Error(message.message));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0) reject(new Error(`the generation worker stopped with code ${code}`));
      });
    });
  }
}
