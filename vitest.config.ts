/** Unit tests: Node, no browser. Files mirror the source tree under tests/unit/. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Every run's temporary files in one folder, removed at the end.
    globalSetup: ['tests/global-setup.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/unit-report.json' }]],
  },
});
