/**
 * Builds the renderer (one bundle for Electron windows and browser tabs) into dist/renderer. Relative asset paths
 * (`base: './'`) let the same files load from the app protocol and from the web host.
 */
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './electron/host/content-security-policy.ts';

/** The CSP as a meta tag too, so the page carries its policy however it is served. */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'gridline-csp-meta',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), contentSecurityPolicyMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // Resources are assets: the GeoJSON basemap files keep their own names (with a hash) beside the bundle.
    assetsInlineLimit: 0,
  },
  server: { fs: { allow: ['..'] } },
});
