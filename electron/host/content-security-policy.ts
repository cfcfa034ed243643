/**
 * The console's Content Security Policy, one string for every way the renderer is served: the Electron app protocol,
 * the web host's headers and the index.html meta tag (injected at build time by vite.config.ts).
 * No remote origin appears anywhere: the console works with the network cable pulled.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  // 'self' covers the web host's same-origin WebSocket; maplibre's workers fetch local GeoJSON from 'self'.
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');
