/**
 * The line both hosts print on stdout once the console's city is complete. `npm start` (scripts/start.mjs) waits for
 * it before it points the worker simulator at the store; an operator reading the terminal sees it too.
 */
import type { ConsoleCore } from './console-core';

/** The line starts with this, then the data directory (scripts/local-hub.mjs matches the same text). */
export const CITY_READY_PREFIX = 'Gridline city ready:';

export function announceCityReady(
  core: Pick<ConsoleCore, 'cityReady'>,
  dataDir: string,
  write: (line: string) => void = (line) => void process.stdout.write(line),
): Promise<void> {
  return core.cityReady.then((ready) => {
    if (ready) write(`${CITY_READY_PREFIX} ${dataDir}\n`);
  });
}
