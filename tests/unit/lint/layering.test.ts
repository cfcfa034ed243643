/**
 * The layering rules are lint errors: each case lints a one-line file placed in a layer and expects the rule to fire
 * (or not). This is the deliberate violation the architecture promises will fail.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
// The project's own config, minus type-aware rules: those need files on disk, and layering needs no types.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

async function restrictedRules(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId?.startsWith('no-restricted') && message.severity === 2)
    .map((message) => message.ruleId!);
}

const violations: [string, string][] = [
  ['renderer/app/violation.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"],
  ['renderer/app/violation.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['renderer/app/violation.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n"],
  ['renderer/map/violation.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n"],
  ['renderer/map/violation.ts', "import { io } from 'socket.io-client';\nexport const x = io;\n"],
  ['renderer/map/violation.ts', "import { Server } from 'socket.io';\nexport const x = Server;\n"],
  [
    'renderer/map/violation.ts',
    "import { createConsoleCore } from '../../electron/host/console-core';\nexport const x = createConsoleCore;\n",
  ],
  ['shared/domain/violation.ts', "import { join } from 'node:path';\nexport const x = join;\n"],
  ['shared/domain/violation.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ['shared/domain/violation.ts', "import { MapView } from '../../renderer/map/map-view';\nexport const x = MapView;\n"],
  ['shared/domain/violation.ts', 'export const title = () => document.title;\n'],
  ['shared/domain/violation.ts', 'export const w = () => window.innerWidth;\n'],
  ['electron/services/city/violation.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ['electron/host/violation.ts', "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n"],
  ['electron/web-host/violation.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n"],
  [
    'hub/server/violation.ts',
    "import { createConsoleCore } from '../../electron/host/console-core';\nexport const x = createConsoleCore;\n",
  ],
];

const allowed: [string, string][] = [
  ['electron/windows/allowed.ts', "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n"],
  ['electron/host/allowed.ts', "import { join } from 'node:path';\nexport const x = join;\n"],
  [
    'renderer/app/allowed.ts',
    "import { z } from 'zod';\nimport { LANGUAGES } from '../../shared/domain/language';\nexport const x = [z, LANGUAGES];\n",
  ],
  ['shared/domain/allowed.ts', "import { z } from 'zod';\nexport const x = z;\n"],
];

describe('layering rules', () => {
  it.each(violations)('%s: refuses %s', async (file, code) => {
    expect(await restrictedRules(file, code)).not.toEqual([]);
  });

  it.each(allowed)('%s: allows %s', async (file, code) => {
    expect(await restrictedRules(file, code)).toEqual([]);
  });
});
