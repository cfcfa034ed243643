/** Messages between the console and the generation worker (generation-worker.ts). */
import type { GenerateOptions, GenerationProgress, GenerationSummary } from './generate-city';

export interface GenerationJob {
  dataDir: string;
  scale: GenerateOptions['scale'];
  seed?: number;
  resourcesDir: string;
}

export type GenerationMessage =
  | { type: 'framed' }
  | { type: 'progress'; progress: GenerationProgress }
  | { type: 'done'; summary: GenerationSummary }
  | { type: 'failed'; message: string; stack?: string };

/** What the parent sends: a request to stop at the next batch boundary. */
export const STOP_MESSAGE = 'stop';
