/**
 * `npm run web` (and `npm start` where Electron is absent): runs the console's services under plain Node and serves
 * the console to the browser. Prints one line with the URL (token included), and another once the city is complete;
 * stops cleanly on Ctrl-C.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { announceCityReady } from '../host/city-ready';
import { ConfigError, resolveHostConfig } from '../host/config';
import { createConsoleCore } from '../host/console-core';
import { appPathsFrom } from '../host/paths';
import { IdentityError, provisionFirstAdministratorFromEnv } from '../services/identity';
import { startWebHost } from './web-host';

/** Set by the `npm start` launcher to say why the browser is used instead of the desktop window. */
const LAUNCH_NOTES: Record<string, string> = {
  'electron-missing': 'Electron is not installed on this machine; serving the console to your browser instead at',
  'no-display': 'No display is available for the desktop window; serving the console to your browser instead at',
};

async function main(): Promise<void> {
  const config = resolveHostConfig(process.argv.slice(2));
  // argv[1] is this file, under tsx (electron/web-host/cli.ts) and bundled (dist/web-host/cli.cjs) alike.
  const paths = appPathsFrom(dirname(realpathSync(process.argv[1] ?? '.')));
  if (!existsSync(join(paths.rendererDir, 'index.html'))) {
    throw new ConfigError(`the renderer is not built (${paths.rendererDir}); run: npm run build`);
  }
  const worker = join(paths.root, 'dist', 'web-host', 'generation-worker.cjs');
  const core = createConsoleCore({
    dataDir: config.dataDir,
    resourcesDir: paths.resourcesDir,
    host: 'web',
    version: paths.version,
    cityScale: config.cityScale,
    ...(config.hub ? { hub: config.hub } : {}),
    // Under tsx (no bundle) the city is generated on the main thread instead.
    generationWorker: existsSync(worker) ? worker : undefined,
  });
  // Automation's first administrator (GRIDLINE_ADMIN_*), before any window can reach the setup step.
  const provisioned = await provisionFirstAdministratorFromEnv(core.identity, process.env, core.log);
  if (provisioned.outcome === 'created') {
    console.error(`gridline: first administrator "${provisioned.operator.username}" created from the environment`);
  }
  const host = await startWebHost({
    core,
    rendererDir: paths.rendererDir,
    host: config.host,
    port: config.port,
    allowedOrigins: config.allowedOrigins,
    ...(config.tls ? { tls: config.tls } : {}),
  });
  const note = LAUNCH_NOTES[process.env.GRIDLINE_LAUNCH_NOTE ?? ''] ?? 'Gridline console:';
  console.log(`${note} ${host.url}`);
  void announceCityReady(core, config.dataDir);
  const stop = (): void => {
    void host
      .close()
      .then(() => core.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`gridline: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ConfigError || error instanceof IdentityError ? 2 : 1);
});
