/**
 * The citizen-report SIMULATOR against a real hub's HTTP intake: its posts are accepted (201) as 12345 hotline and
 * 郑好拍 tickets inside the city, its deliberate retries answered as duplicates of the same ticket, its second
 * reports of an event come from the other channel 20–40 m away; the pace is the rate asked for; it stops cleanly,
 * also while the hub does not answer; and the CLI runs against the hub's secrets file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadIntakeResources } from '../../../../hub/intake/intake-resources';
import {
  citizenKeys,
  resolveIntakeKeys,
  startCitizenReports,
  type CitizenReports,
} from '../../../../hub/simulator/citizen-reports';
import { distanceM } from '../../../../hub/simulator/report-places';
import { CITIZEN_REPORTS, PATROL_FINDINGS } from '../../../../hub/simulator/report-texts';
import { crc32, tinyPng } from '../../../../hub/simulator/tiny-image';
import type { TicketEventMessage } from '../../../../shared/protocol/hub-protocol';
import { sniffImage } from '../../../../shared/protocol/intake';
import { closeAll, consoleLink, hub, until } from '../hub-fixtures';
import { smallCity } from './small-city';

const HOTLINE_KEY = 'hotline-key-for-the-simulator-tests';
const ZHP_KEY = 'zhenghaopai-key-for-the-simulator-tests';
const intakeKeys = { [HOTLINE_KEY]: 'hotline_12345', [ZHP_KEY]: 'zhenghaopai' } as const;

let city: string;
beforeAll(async () => {
  city = await smallCity();
}, 60_000);

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await closeAll();
});

function simulate(options: Parameters<typeof startCitizenReports>[0]): CitizenReports {
  const sim = startCitizenReports(options);
  cleanup.push(() => sim.stop());
  return sim;
}

const { insideCity, categoryCodes } = loadIntakeResources();

describe('citizen-report simulator', () => {
  it('posts accepted reports on both channels, retries answered as duplicates, second reports 20–40 m away; stops cleanly', async () => {
    const server = await hub({ intakeKeys: { ...intakeKeys } });
    const desk = await consoleLink(server.url);
    const heard: TicketEventMessage[] = [];
    desk.socket.on('tickets', (list) => heard.push(...list));
    const sim = simulate({
      hub: server.url,
      intakeKeys,
      ratePerMin: 600,
      city,
      seed: 4,
      retryShare: 0.4,
      echoShare: 0.3,
      retryDelayMs: [20, 80],
      echoDelayMs: [50, 150],
      log: () => {},
    });
    await until(() => {
      const counts = sim.counts();
      return counts.posted >= 20 && counts.duplicates >= 3 && counts.echoes >= 3;
    }, 20_000);
    const final = await sim.stop();
    const posts = sim.posts();

    expect(final.refused).toBe(0);
    expect(final.failed).toBe(0);
    expect(final.byChannel.hotline_12345).toBeGreaterThan(0);
    expect(final.byChannel.zhenghaopai).toBeGreaterThan(0);
    expect(final.byChannel.hotline_12345 + final.byChannel.zhenghaopai).toBe(final.posted);
    for (const post of posts.filter(({ kind }) => kind !== 'retry')) {
      expect(post.status, `${post.kind} ${post.key}`).toBe(201);
      expect(insideCity([post.body.location.lng, post.body.location.lat])).toBe(true);
      expect(categoryCodes.has(post.body.categoryCode!)).toBe(true);
      if (post.channel === 'zhenghaopai') {
        expect(post.body.photos).toHaveLength(1);
        expect(post.body.photos![0]!.mediaType).toBe('image/png');
      } else {
        expect(post.body.reporter?.phone).toMatch(/^1[3-9]\d{9}$/);
      }
    }
    // Every retry: the same key and body as an accepted post, answered 200 duplicate with that post's ticket.
    const retries = posts.filter(({ kind }) => kind === 'retry');
    expect(retries.length).toBeGreaterThanOrEqual(3);
    for (const retry of retries) {
      const first = posts.find((post) => post.kind === 'new' && post.key === retry.key)!;
      expect(retry.body).toBe(first.body);
      expect(retry.status).toBe(200);
      expect(retry.answer).toMatchObject({ duplicate: true, id: first.answer!.id });
    }
    // Every second report: the other channel, the same category, 20–40 m from the first.
    const echoes = posts.filter(({ kind }) => kind === 'echo');
    expect(echoes.length).toBeGreaterThanOrEqual(3);
    for (const echo of echoes) {
      const candidates = posts.filter(
        (post) =>
          post.kind === 'new' &&
          post.channel !== echo.channel &&
          post.body.categoryCode === echo.body.categoryCode &&
          echo.body.text.endsWith(post.body.text),
      );
      const metres = candidates.map((post) => distanceM(post.body.location, echo.body.location));
      expect(
        metres.some((m) => m >= 19.5 && m <= 40.5),
        `${echo.key}: ${metres.join(', ')}`,
      ).toBe(true);
    }
    // The hub filed exactly the accepted posts, as their channels.
    await until(() => heard.length >= final.accepted, 5000);
    const reported = heard.filter((event) => event.kind === 'reported');
    expect(reported).toHaveLength(final.accepted);
    expect(new Set(reported.map((event) => event.report!.channel))).toEqual(new Set(['hotline_12345', 'zhenghaopai']));
    expect(reported.some((event) => event.report!.address)).toBe(true);
    // Stopped: nothing more goes out.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.posts()).toHaveLength(posts.length);
    expect(sim.counts()).toEqual(final);
  }, 40_000);

  it('keeps the rate asked for over a short real window', async () => {
    const server = await hub({ intakeKeys: { ...intakeKeys } });
    const started = Date.now();
    const sim = simulate({
      hub: server.url,
      intakeKeys,
      ratePerMin: 300,
      seed: 8,
      retryShare: 0,
      echoShare: 0,
      log: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const counts = await sim.stop();
    const expected = (300 / 60_000) * (Date.now() - started);
    expect(counts.posted).toBeGreaterThanOrEqual(expected * 0.6);
    expect(counts.posted).toBeLessThanOrEqual(expected * 1.4);
    expect(counts.accepted).toBe(counts.posted);
  }, 20_000);

  it('stops within its grace period while the hub does not answer, counting the posts as unanswered', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer(() => {});
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as { port: number };
    const lines: string[] = [];
    const sim = simulate({
      hub: `http://127.0.0.1:${port}`,
      intakeKeys,
      ratePerMin: 1200,
      log: (line) => lines.push(line),
    });
    await until(() => sim.counts().posted >= 3, 5000);
    const asked = Date.now();
    const counts = await sim.stop();
    expect(Date.now() - asked).toBeLessThan(5000);
    expect(counts.accepted).toBe(0);
    expect(counts.failed).toBe(counts.posted);
    // Said once, not once per post.
    expect(lines.filter((line) => line.startsWith('no answer'))).toHaveLength(1);
  }, 20_000);

  it('runs from the CLI with the hub’s secrets file and prints its counts', async () => {
    const server = await hub({ intakeKeys: { ...intakeKeys } });
    const dir = mkdtempSync(join(tmpdir(), 'gridline-sim-cli-'));
    const secrets = join(dir, 'hub-secrets.json');
    writeFileSync(secrets, JSON.stringify({ worker: 'w', console: 'c', intakeKeys }));
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const script = fileURLToPath(new URL('../../../../hub/simulator/citizen-simulator.ts', import.meta.url));
    const env = { ...process.env };
    delete env.GRIDLINE_HUB_INTAKE_KEYS;
    const child = spawn(
      process.execPath,
      [tsx, script, '--hub', server.url, '--secrets', secrets, '--rate', '600', '--duration', '2'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('[SIMULATOR citizen reports]');
    const counts = JSON.parse(stdout.trim().split('\n').at(-1)!) as { posted: number; accepted: number };
    expect(counts.posted).toBeGreaterThan(3);
    expect(counts.accepted).toBeGreaterThan(3);
  }, 30_000);
});

describe('intake keys', () => {
  it('come from GRIDLINE_HUB_INTAKE_KEYS, else the hub’s secrets file; the citizen channels’ are picked out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridline-sim-keys-'));
    const file = join(dir, 'hub-secrets.json');
    writeFileSync(
      file,
      JSON.stringify({ worker: 'w', console: 'c', intakeKeys: { K1: 'hotline_12345', K2: 'iot_alarm' } }),
    );
    expect(resolveIntakeKeys({ secretsFile: file })).toEqual({ K1: 'hotline_12345', K2: 'iot_alarm' });
    expect(resolveIntakeKeys({ env: '{"E":"zhenghaopai"}', secretsFile: file })).toEqual({ E: 'zhenghaopai' });
    expect(citizenKeys({ K1: 'hotline_12345', K2: 'iot_alarm', K3: 'zhenghaopai' })).toEqual({
      hotline_12345: 'K1',
      zhenghaopai: 'K3',
    });
    expect(() => resolveIntakeKeys({ secretsFile: join(dir, 'missing.json') })).toThrow(/does not exist/);
    writeFileSync(file, JSON.stringify({ worker: 'w', console: 'c' }));
    expect(() => resolveIntakeKeys({ secretsFile: file })).toThrow(/no "intakeKeys"/);
    expect(() => resolveIntakeKeys({})).toThrow(/GRIDLINE_HUB_INTAKE_KEYS.*--secrets FILE/);
    expect(() =>
      startCitizenReports({ hub: 'http://127.0.0.1:1', intakeKeys: { K: 'iot_alarm' }, ratePerMin: 1 }),
    ).toThrow(/no intake key for hotline_12345 or zhenghaopai/);
  });
});

describe('what the simulators write', () => {
  it('about forty patrol findings and forty citizens’ reports, all different, each with a level-3 category', () => {
    for (const list of [PATROL_FINDINGS, CITIZEN_REPORTS]) {
      expect(list.length).toBeGreaterThanOrEqual(38);
      expect(new Set(list.map(({ text }) => text)).size).toBe(list.length);
      for (const { code, text } of list) {
        expect(categoryCodes.has(code), `${code} ${text}`).toBe(true);
        expect(text.length).toBeLessThan(80);
      }
      // Spread across the taxonomy: at least eight level-1 fields.
      expect(new Set(list.map(({ code }) => code.slice(0, 2))).size).toBeGreaterThanOrEqual(8);
    }
    const patrol = new Set(PATROL_FINDINGS.map(({ text }) => text));
    expect(CITIZEN_REPORTS.some(({ text }) => patrol.has(text))).toBe(false);
    expect(CITIZEN_REPORTS.filter(({ withAddress }) => withAddress).length).toBeGreaterThan(4);
  });

  it('a tiny PNG that is valid: signature, chunks with their CRC-32, pixels that inflate to the right size', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const png = tinyPng(42, 16, 12);
    expect(sniffImage(png.subarray(0, 12))).toBe('image/png');
    let at = 8;
    const chunks: string[] = [];
    while (at < png.length) {
      const length = png.readUInt32BE(at);
      const type = png.toString('ascii', at + 4, at + 8);
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
      if (type === 'IDAT') expect(inflateSync(png.subarray(at + 8, at + 8 + length))).toHaveLength(12 * (1 + 16 * 3));
      chunks.push(type);
      at += 12 + length;
    }
    expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png.length).toBeLessThan(1024);
    expect(tinyPng(42)).toEqual(png);
    expect(tinyPng(43)).not.toEqual(png);
  });
});
