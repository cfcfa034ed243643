/** Shared by the web host and the Electron app protocol: URL path → file inside the built renderer. */
import { join, normalize, sep } from 'node:path';

/** Maps a URL path to a file inside root, or undefined when it would leave root or names a hidden file. */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  // Refuse rather than clamp: a request with '..' or a NUL byte is never one the renderer makes.
  if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) return undefined;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^[/\\]+/, '');
  if (relative.split(/[/\\]/).some((part) => part.startsWith('.'))) return undefined;
  const full = join(root, relative);
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  return full;
}
