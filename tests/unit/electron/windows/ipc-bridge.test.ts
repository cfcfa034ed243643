import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../../../electron/host/console-core';
import { createMemoryLogger } from '../../../../electron/host/logger';
import {
  bridgeIpc,
  windowClient,
  type IpcInvokeEventLike,
  type IpcMainLike,
} from '../../../../electron/windows/ipc-bridge';
import { isAppUrl } from '../../../../electron/windows/secure-window';
import { INVOKE_NAMES, type BroadcastEscalation } from '../../../../shared/contract';
import { addOperator, TEST_PASSWORD, TEST_SCRYPT } from '../host/console-operators';

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** Records handlers the way Electron's ipcMain would hold them. */
class RecordingIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  call(channel: string, url: string | null, input: unknown): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener({ sender: { id: 3 }, senderFrame: url === null ? null : { url } }, input);
  }
}

const cores: ConsoleCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

function setup() {
  const ipc = new RecordingIpcMain();
  const sent: [string, unknown][] = [];
  const core = createConsoleCore({
    dataDir: mkdtempSync(join(tmpdir(), 'gridline-ipc-')),
    resourcesDir: join(import.meta.dirname, '..', '..', '..', '..', 'resources'),
    host: 'electron',
    version: '1.2.3',
    log: createMemoryLogger(),
    cityScale: 'small',
    scrypt: TEST_SCRYPT,
  });
  cores.push(core);
  // Window 3 is the only window; an event goes to it only if the bridge's filter accepts it.
  const dispose = bridgeIpc(ipc, core, isAppUrl, (channel, payload, accepts) => {
    if (accepts(3)) sent.push([channel, payload]);
  });
  return { ipc, sent, dispose, core };
}

const page = 'gridline://app/index.html?role=map';

describe('IPC bridge', () => {
  it('registers one handler per contract entry', () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(INVOKE_NAMES.map((name) => `invoke:${name}`).sort());
  });

  it('answers the app page with result envelopes, valid or not', async () => {
    const { ipc } = setup();
    await expect(ipc.call('invoke:app.getInfo', page, {})).resolves.toMatchObject({
      ok: true,
      output: { version: '1.2.3', host: 'electron' },
    });
    await expect(ipc.call('invoke:settings.update', page, { language: 'xx' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  it('refuses calls from any other frame', async () => {
    const { ipc } = setup();
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', null]) {
      await expect(ipc.call('invoke:settings.get', url, {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
  });

  it('sends events to the windows, and stops on dispose', async () => {
    const { ipc, sent, dispose, core } = setup();
    const username = await addOperator(core, 'viewer');
    await ipc.call('invoke:session.signIn', page, { username, password: TEST_PASSWORD });
    await ipc.call('invoke:settings.update', page, { language: 'en' });
    expect(sent.filter(([channel]) => channel === 'event:settings.changed')).toEqual([
      ['event:settings.changed', { language: 'en' }],
    ]);
    dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it("a window's calls run as the operator signed in on it; the console's events reach it only while signed in", async () => {
    const { ipc, sent, core } = setup();
    const escalation: BroadcastEscalation = { id: 'b-1', at: 1, total: 1, workers: [] };
    await expect(ipc.call('invoke:hub.getStatus', page, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    core.events.emit('broadcast.escalated', escalation);
    core.events.emit('city.statusChanged', { state: 'ready', framed: true, scale: 'small', revision: 0 });
    expect(sent.map(([channel]) => channel)).toEqual(['event:city.statusChanged']);

    const username = await addOperator(core, 'viewer');
    await expect(ipc.call('invoke:session.signIn', page, { username, password: TEST_PASSWORD })).resolves.toMatchObject(
      { ok: true, output: { state: 'signed-in', operator: { username } } },
    );
    await expect(ipc.call('invoke:hub.getStatus', page, {})).resolves.toMatchObject({ ok: true });
    core.events.emit('broadcast.escalated', escalation);
    expect(sent.at(-1)?.[0]).toBe('event:broadcast.escalated');

    // The window goes: its session ends with it.
    core.sessions.release(windowClient(3), true);
    expect(core.identity.sessions.listFor(core.identity.getOperator(username).id)).toEqual([]);
  });
});
