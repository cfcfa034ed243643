// Lint, including the architecture's layering rules as errors (see shared/design/ARCHITECTURE.md "Layering"):
//   shared            imports no process: no Node built-ins, no DOM, nothing from electron/, renderer/ or hub/;
//   renderer          imports shared and browser packages only: never electron, Node, better-sqlite3, socket.io;
//   electron/services and the hosts never import `electron`: only main.ts, preload.ts and windows/ do;
//   hub               imports shared (the wire protocol) and its own packages only.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const serverPackages = ['better-sqlite3', 'socket.io', 'socket.io-client', 'ws', 'electron'];

/** A relative import that reaches into another top-level folder. */
const intoFolder = (folder, message) => ({ regex: `^(\\.\\./)+(.*/)?${folder}(/|$)`, message });

const layer = (files, { paths = [], patterns = [], globals: restrictedGlobals = [] }) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { paths, patterns }],
    ...(restrictedGlobals.length ? { 'no-restricted-globals': ['error', ...restrictedGlobals] } : {}),
  },
});

const forbid = (names, message) => names.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'test-results/', 'playwright-report/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style).' },
      ],
    },
  },
  {
    // Plain JavaScript (configs, launch scripts) is linted without type information.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    // Config files and the test runners' global setup must default-export what their tool expects.
    files: ['*.config.ts', '*.config.js', 'tests/global-setup.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: reactHooks.configs.recommended.rules,
  },
  layer(['shared/**/*.ts'], {
    paths: [
      ...forbid(nodeBuiltins, 'shared runs in every process: no Node built-ins.'),
      ...forbid(
        [...serverPackages, 'react', 'react-dom', 'maplibre-gl'],
        'shared imports no process-specific package.',
      ),
    ],
    patterns: [
      { group: ['@deck.gl/*', '@luma.gl/*'], message: 'shared imports no rendering package.' },
      intoFolder('electron', 'shared must not import the main process.'),
      intoFolder('renderer', 'shared must not import the renderer.'),
      intoFolder('hub', 'shared must not import the hub.'),
    ],
    globals: [
      'window',
      'document',
      'navigator',
      'localStorage',
      'location',
      'process',
      'Buffer',
      'require',
      '__dirname',
    ].map((name) => ({ name, message: 'shared runs in every process: no DOM or Node globals.' })),
  }),
  layer(['renderer/**/*.{ts,tsx}'], {
    paths: [
      ...forbid(
        nodeBuiltins,
        'The renderer is sandboxed: no Node built-ins. Ask the main process through the contract.',
      ),
      ...forbid(serverPackages, 'The renderer imports browser packages only; the main process owns this one.'),
    ],
    patterns: [
      intoFolder('electron', 'The renderer reaches the main process only through the contract (shared/contract).'),
      intoFolder('hub', 'The renderer never talks to the hub directly.'),
    ],
    globals: [{ name: 'process', message: 'No Node globals in the renderer.' }],
  }),
  layer(['electron/**/*.ts'], {
    paths: forbid(['electron'], 'Only electron/main.ts, electron/preload.ts and electron/windows/ import electron.'),
    patterns: [
      intoFolder('renderer', 'The main process never imports the renderer.'),
      intoFolder('hub', 'The console talks to the hub over its wire protocol, not by import.'),
    ],
  }),
  layer(['electron/main.ts', 'electron/preload.ts', 'electron/windows/**/*.ts'], {
    patterns: [
      intoFolder('renderer', 'The main process never imports the renderer.'),
      intoFolder('hub', 'The console talks to the hub over its wire protocol, not by import.'),
    ],
  }),
  layer(['hub/**/*.ts'], {
    paths: forbid(['electron'], 'The hub is a separate program.'),
    patterns: [
      intoFolder('electron', 'The hub imports shared only.'),
      intoFolder('renderer', 'The hub imports shared only.'),
    ],
  }),
);
