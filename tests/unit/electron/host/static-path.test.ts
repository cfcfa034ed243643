import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../../electron/host/static-path';

const root = '/srv/gridline/dist/renderer';

describe('static path resolution', () => {
  it.each([
    ['/', 'index.html'],
    ['/index.html', 'index.html'],
    ['/assets/index-abc.js', 'assets/index-abc.js'],
    ['/assets/%E5%9C%B0%E5%9B%BE.png', 'assets/地图.png'],
  ])('serves %s from inside the renderer folder', (url, file) => {
    expect(resolveStaticPath(root, url)).toBe(join(root, file));
  });

  it.each([
    '/../package.json',
    '/assets/../../package.json',
    '/%2e%2e/%2e%2e/package.json',
    '/..%2f..%2fpackage.json',
    '/..\\..\\package.json',
    '/.env',
    '/assets/.secret',
    '/index.html%00.js',
    '/%E0%A4%A',
  ])('refuses %s', (url) => {
    expect(resolveStaticPath(root, url)).toBeUndefined();
  });
});
