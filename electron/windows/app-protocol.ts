/**
 * The `gridline://app/` protocol that serves the built renderer to Electron windows: a real origin (so the CSP's
 * 'self' means something), files only from the renderer folder, and the CSP header on every response.
 */
import { pathToFileURL } from 'node:url';
import type { Net, Protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../host/content-security-policy';
import { resolveStaticPath } from '../host/static-path';
import { APP_SCHEME, isAppUrl } from './secure-window';

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    // corsEnabled: Vite's module scripts and maplibre's module worker load in CORS mode.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

export function serveAppProtocol(protocol: Protocol, net: Net, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = isAppUrl(request.url) ? resolveStaticPath(rendererDir, new URL(request.url).pathname) : undefined;
    if (!file) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
