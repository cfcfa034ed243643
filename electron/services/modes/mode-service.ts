/**
 * Emergency modes at the console (issue #8): what a switch would change (the preview), the switch itself through the
 * hub, the activation broadcast to the workers in scope, and the emergencies with their timelines as this store holds
 * them. The store changes only by applying the hub's stream (mode-applier.ts): the console that switches waits until
 * its own store has applied the switch, like every other console.
 */
import { randomUUID } from 'node:crypto';
import {
  ContractError,
  type BroadcastTarget,
  type Emergency,
  type EmergencyTimeline,
  type ModePreview,
  type ModesList,
  type ModeSwitchRequest,
} from '../../../shared/contract';
import { LEVEL_INFO, type EmergencyLevel } from '../../../shared/domain/modes/emergency-levels';
import { EVENT_TYPE_NAMES } from '../../../shared/domain/modes/event-types';
import {
  DUTY_GROUP_NAMES,
  fillTemplate,
  type DutyGroup,
  type ModeProfile,
} from '../../../shared/domain/modes/mode-profile';
import { modeKey, normaliseScope, type ModeScope } from '../../../shared/domain/modes/mode-scope';
import type { ModeSwitchAck, ModeSwitchSubmit } from '../../../shared/protocol/mode-protocol';
import type { BroadcastService } from '../broadcast/broadcast-service';
import type { Store } from '../store/store';
import { sensorsInScope, type ScopedSensor } from './mode-applier';
import type { ModeProfiles } from './mode-profiles';

/** What the service needs of the hub link and the ticket stream (modes ride the ticket stream). */
export interface ModeLink {
  readonly connected: boolean;
  switchMode(submit: ModeSwitchSubmit): Promise<ModeSwitchAck>;
  appliedThrough(seq: number, timeoutMs?: number): Promise<boolean>;
}

export interface ModeServiceOptions {
  store: Store;
  profiles: ModeProfiles;
  link: ModeLink | undefined;
  broadcasts: BroadcastService;
  consoleName: string;
  /** Epoch seconds. */
  now: () => number;
  log: (level: 'info' | 'warn', event: string, fields: Record<string, unknown>) => void;
  /** This console wrote to an emergency's timeline itself (the activation broadcast): for the windows. */
  onChanged?: () => void;
}

export interface ModeOperator {
  username: string;
  displayName: string;
}

interface EmergencyRow {
  id: string;
  key: string;
  event_type: Emergency['eventType'];
  scope: string;
  level: EmergencyLevel | null;
  profile: string;
  started_at: number;
  updated_at: number;
  ended_at: number | null;
  started_by: string;
  console: string;
}

const refused = (message: string): ContractError => new ContractError({ code: 'refused', message });
const levelWords = (level: EmergencyLevel | null): { zh: string; en: string } =>
  level === null ? { zh: '常态', en: 'normal' } : { zh: LEVEL_INFO[level].zh, en: LEVEL_INFO[level].en };

/** The middle value of a list (null when it holds none). */
function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  return known.length === 0 ? null : known[Math.floor(known.length / 2)]!;
}

const round = (value: number | null): number | null => (value === null ? null : Number(value.toPrecision(6)));

export class ModeService {
  constructor(private readonly options: ModeServiceOptions) {}

  private get db() {
    return this.options.store.reader();
  }

  /** The active emergencies and the latest twenty ended ones. */
  list(): ModesList {
    const rows = this.db
      .prepare(
        'SELECT * FROM (SELECT * FROM emergencies WHERE ended_at IS NULL ORDER BY started_at) ' +
          'UNION ALL SELECT * FROM (SELECT * FROM emergencies WHERE ended_at IS NOT NULL ORDER BY ended_at DESC LIMIT 20)',
      )
      .all() as EmergencyRow[];
    const emergencies = rows.map((row) => this.toEmergency(row));
    const active = emergencies
      .filter((emergency) => emergency.level !== null)
      .sort((a, b) => LEVEL_INFO[a.level!].rank - LEVEL_INFO[b.level!].rank || a.startedAt - b.startedAt);
    return { active, ended: emergencies.filter((emergency) => emergency.level === null) };
  }

  /** The emergency as the contract shows it. */
  get(id: string): Emergency {
    const row = this.db.prepare('SELECT * FROM emergencies WHERE id = ?').get(id) as EmergencyRow | undefined;
    if (!row) throw refused(`emergency ${id} not found`);
    return this.toEmergency(row);
  }

  /** What the switch would change; the caller adds whether this operator may make it. */
  preview(request: ModeSwitchRequest): Omit<ModePreview, 'refusal' | 'needsSecondOperator'> {
    const scope = normaliseScope(request.scope);
    const key = modeKey(request.eventType, scope);
    const current = this.activeFor(key);
    const profile = request.action === 'deactivate' ? null : this.options.profiles.forEventType(request.eventType);
    const applied = request.action === 'deactivate' && current ? this.profileOf(current.id) : null;
    const scopeLabel = this.scopeLabel(scope);
    const effect = profile && request.level ? profile.levels[request.level] : null;
    let sensors: ModePreview['sensors'];
    if (effect) {
      sensors = effect.sensors.map((change) => {
        const inScope = sensorsInScope(this.db, scope, [change.kind]);
        const normal = this.normals(inScope);
        return {
          kind: change.kind,
          count: inScope.length,
          before: this.typical(inScope),
          after: {
            warn: round(median(normal.map((sensor) => sensor.warn && sensor.warn * change.warnFactor))),
            alarm: round(median(normal.map((sensor) => sensor.alarm && sensor.alarm * change.alarmFactor))),
            cadenceS: median(normal.map((sensor) => Math.min(sensor.cadenceS, change.cadenceSeconds))) ?? 0,
          },
        };
      });
    } else {
      // A return to normal: the sensors the emergency changed, back to their own values.
      const covered = current
        ? (this.db
            .prepare(
              'SELECT s.id, s.kind, s.warn_threshold AS warn, s.alarm_threshold AS alarm, s.report_every_s AS cadenceS ' +
                'FROM emergency_sensors es JOIN sensors s ON s.id = es.sensor_id WHERE es.emergency = ?',
            )
            .all(current.id) as ScopedSensor[])
        : [];
      const kinds = [...new Set(covered.map((sensor) => sensor.kind))].sort();
      sensors = kinds.map((kind) => {
        const ofKind = covered.filter((sensor) => sensor.kind === kind);
        return {
          kind: kind as ModePreview['sensors'][number]['kind'],
          count: ofKind.length,
          before: this.typical(ofKind),
          after: this.typical(this.normals(ofKind)),
        };
      });
    }
    let broadcast: ModePreview['broadcast'] = null;
    if (profile && request.level && effect) {
      const reach = this.options.broadcasts.preview(this.target(scope));
      broadcast = {
        text: this.broadcastText(profile, request.level, scopeLabel),
        workers: reach.workers,
        grids: reach.grids,
        ackWithinSeconds: effect.ackWithinSeconds,
      };
    }
    return {
      key,
      current: current ? this.toEmergency(current) : null,
      profile: profile
        ? { id: profile.id, version: profile.version, name: profile.name }
        : applied && { id: applied.id, version: applied.version, name: applied.name },
      scopeLabel,
      from: current?.level ?? null,
      to: request.level,
      sensors,
      layers: profile?.layers ?? null,
      broadcast,
      roster: effect?.roster ?? [],
      tickets: effect ? { ...effect.tickets, categories: [...effect.tickets.categories] } : null,
    };
  }

  /**
   * Switches through the hub: logged there only if nobody switched this scope since this console last saw it, then
   * applied here (as on every console) before this returns; an activation or a step then sends the broadcast.
   */
  async switch(request: ModeSwitchRequest, operator: ModeOperator, confirmedBy?: ModeOperator): Promise<Emergency> {
    const link = this.options.link;
    if (!link) throw new ContractError({ code: 'unavailable', message: 'no command hub is configured' });
    const scope = normaliseScope(request.scope);
    const key = modeKey(request.eventType, scope);
    const current = this.activeFor(key);
    if (request.action === 'activate' && current) {
      throw refused(`${this.describe(current)} already holds this scope: step it or return it to normal`);
    }
    if (request.action !== 'activate') {
      if (!current || current.id !== request.emergency) throw refused('that emergency is not active on this scope');
      if (request.action === 'step' && current.level === request.level)
        throw refused(`it is at ${request.level} already`);
    }
    const profile = request.action === 'deactivate' ? undefined : this.options.profiles.forEventType(request.eventType);
    const expect =
      (this.db.prepare('SELECT version FROM mode_keys WHERE key = ?').pluck().get(key) as number | undefined) ?? 0;
    const emergency = request.action === 'activate' ? `e-${randomUUID()}` : request.emergency!;
    const ack = await link.switchMode({
      expect,
      switch: {
        emergency,
        action: request.action,
        key,
        eventType: request.eventType,
        scope,
        level: request.level,
        ...(profile ? { profile } : {}),
        by: { username: operator.username, displayName: operator.displayName },
        ...(confirmedBy
          ? { confirmedBy: { username: confirmedBy.username, displayName: confirmedBy.displayName } }
          : {}),
        ...(request.note ? { note: request.note } : {}),
        console: this.options.consoleName,
      },
    });
    if (!ack.ok) {
      if ('current' in ack) {
        const who = ack.current.by
          ? `${ack.current.by.displayName} (${ack.current.console ?? '?'})`
          : 'another console';
        const to = ack.current.level === null ? 'normal' : `level ${ack.current.level}`;
        throw refused(
          `${who} switched this scope to ${to} first (at ${new Date(ack.current.at * 1000).toISOString()}); look ` +
            'again and retry.',
        );
      }
      throw new ContractError({ code: 'unavailable', message: `the hub did not log the switch: ${ack.error}` });
    }
    if (!(await link.appliedThrough(ack.seq, 10_000))) {
      throw new ContractError({
        code: 'unavailable',
        message: 'the switch was logged but has not reached this console',
      });
    }
    this.options.log('info', 'modes.switched', { emergency, key, action: request.action, level: request.level });
    if (profile && request.level) await this.sendActivation(emergency, profile, request.level, scope);
    return this.get(emergency);
  }

  /** An emergency's timeline, oldest first. */
  timeline(id: string): EmergencyTimeline {
    const emergency = this.get(id);
    const rows = this.db
      .prepare('SELECT seq, at, kind, entry FROM emergency_timeline WHERE emergency = ? ORDER BY id')
      .all(id) as { seq: number | null; at: number; kind: string; entry: string }[];
    return {
      emergency,
      entries: rows.map((row) => {
        const details = JSON.parse(row.entry) as Record<string, unknown>;
        return { at: row.at, kind: row.kind, seq: row.seq, summary: timelineWords(row.kind, details), details };
      }),
    };
  }

  /** The broadcast target of a scope: the same workers the scope's grids hold. */
  target(scope: ModeScope): BroadcastTarget {
    switch (scope.kind) {
      case 'city':
        return { kind: 'city' };
      case 'polygon':
        return { kind: 'polygon', ring: scope.ring.map(([lng, lat]) => [lng, lat] as [number, number]) };
      case 'counties': {
        const ids = this.db
          .prepare('SELECT id FROM counties WHERE code IN (SELECT value FROM json_each(?)) ORDER BY id')
          .pluck()
          .all(JSON.stringify(scope.codes)) as number[];
        if (ids.length !== scope.codes.length) throw refused('a county-level unit of the scope is not in this city');
        return { kind: 'counties', ids };
      }
      case 'l1': {
        const ids = this.db
          .prepare("SELECT id FROM grids WHERE level = 'L1' AND code IN (SELECT value FROM json_each(?)) ORDER BY id")
          .pluck()
          .all(JSON.stringify(scope.codes)) as number[];
        if (ids.length !== scope.codes.length) throw refused('a street grid of the scope is not in this city');
        return { kind: 'grids', ids };
      }
    }
  }

  private async sendActivation(
    emergency: string,
    profile: ModeProfile,
    level: EmergencyLevel,
    scope: ModeScope,
  ): Promise<void> {
    const text = this.broadcastText(profile, level, this.scopeLabel(scope));
    const effect = profile.levels[level];
    const at = this.options.now();
    let entry: Record<string, unknown>;
    try {
      const status = await this.options.broadcasts.send({
        text: `${text.zh}\n${text.en}`.slice(0, 2000),
        priority: LEVEL_INFO[level].rank <= 2 ? 'emergency' : 'urgent',
        target: this.target(scope),
        ackRequired: true,
        expiresInMinutes: 240,
        deadlineSeconds: Math.min(effect.ackWithinSeconds, 240 * 60),
      });
      entry = { broadcast: status.id, workers: status.targeted, level };
    } catch (error) {
      // The switch stands; the commander sees on the timeline that the broadcast did not go, and may send it again.
      this.options.log('warn', 'modes.broadcast-failed', { emergency, error: String(error) });
      entry = { failed: error instanceof Error ? error.message : String(error), level };
    }
    this.options.store.writer
      .prepare('INSERT INTO emergency_timeline (emergency, seq, at, kind, entry) VALUES (?, NULL, ?, ?, ?)')
      .run(emergency, at, 'broadcast' in entry ? 'broadcast' : 'broadcast-failed', JSON.stringify(entry));
    this.options.onChanged?.();
  }

  private broadcastText(profile: ModeProfile, level: EmergencyLevel, scope: { zh: string; en: string }) {
    const event = EVENT_TYPE_NAMES[profile.eventType];
    return {
      zh: fillTemplate(profile.broadcast.zh, { level: LEVEL_INFO[level].zh, event: event.zh, scope: scope.zh }),
      en: fillTemplate(profile.broadcast.en, { level: LEVEL_INFO[level].en, event: event.en, scope: scope.en }),
    };
  }

  private activeFor(key: string): EmergencyRow | undefined {
    return this.db.prepare('SELECT * FROM emergencies WHERE key = ? AND ended_at IS NULL').get(key) as
      EmergencyRow | undefined;
  }

  private profileOf(id: string): ModeProfile | null {
    const body = this.db.prepare('SELECT profile FROM emergencies WHERE id = ?').pluck().get(id) as string | undefined;
    return body ? (JSON.parse(body) as ModeProfile) : null;
  }

  /** Each sensor's own values: recorded before the first emergency changed it, else its current ones. */
  private normals(sensors: readonly ScopedSensor[]): ScopedSensor[] {
    const recorded = this.db.prepare(
      'SELECT warn_threshold AS warn, alarm_threshold AS alarm, report_every_s AS cadenceS FROM sensor_normal ' +
        'WHERE sensor_id = ?',
    );
    return sensors.map((sensor) => {
      const normal = recorded.get(sensor.id) as Omit<ScopedSensor, 'id' | 'kind'> | undefined;
      return normal ? { ...sensor, ...normal } : sensor;
    });
  }

  private typical(sensors: readonly ScopedSensor[]): { warn: number | null; alarm: number | null; cadenceS: number } {
    return {
      warn: round(median(sensors.map((sensor) => sensor.warn))),
      alarm: round(median(sensors.map((sensor) => sensor.alarm))),
      cadenceS: median(sensors.map((sensor) => sensor.cadenceS)) ?? 0,
    };
  }

  private describe(row: EmergencyRow): string {
    const by = JSON.parse(row.started_by) as ModeOperator;
    return `${EVENT_TYPE_NAMES[row.event_type].en} at ${row.level ?? 'normal'} (switched by ${by.displayName})`;
  }

  scopeLabel(scope: ModeScope): { zh: string; en: string } {
    switch (scope.kind) {
      case 'city':
        return { zh: '全市', en: 'the whole city' };
      case 'polygon':
        return { zh: '划定区域', en: 'the drawn area' };
      case 'counties':
      case 'l1': {
        const rows = (
          scope.kind === 'counties'
            ? this.db
                .prepare('SELECT name, name_en AS nameEn FROM counties WHERE code IN (SELECT value FROM json_each(?))')
                .all(JSON.stringify(scope.codes))
            : this.db
                .prepare(
                  "SELECT name, name AS nameEn FROM grids WHERE level = 'L1' AND code IN (SELECT value FROM json_each(?))",
                )
                .all(JSON.stringify(scope.codes))
        ) as { name: string; nameEn: string }[];
        return { zh: rows.map((row) => row.name).join('、'), en: rows.map((row) => row.nameEn).join(', ') };
      }
    }
  }

  private toEmergency(row: EmergencyRow): Emergency {
    const profile = JSON.parse(row.profile) as ModeProfile;
    const scope = JSON.parse(row.scope) as ModeScope;
    const sensors =
      row.ended_at === null
        ? (this.db.prepare('SELECT COUNT(*) FROM emergency_sensors WHERE emergency = ?').pluck().get(row.id) as number)
        : 0;
    return {
      id: row.id,
      key: row.key,
      eventType: row.event_type,
      scope,
      scopeLabel: this.scopeLabel(scope),
      level: row.level,
      profile: { id: profile.id, version: profile.version },
      layers: profile.layers,
      startedAt: row.started_at,
      updatedAt: row.updated_at,
      endedAt: row.ended_at,
      startedBy: JSON.parse(row.started_by) as ModeOperator,
      console: row.console,
      sensors,
    };
  }
}

/** A timeline line in words. */
function timelineWords(kind: string, details: Record<string, unknown>): { zh: string; en: string } {
  const by = (details['by'] as ModeOperator | undefined)?.displayName ?? '';
  const from = levelWords((details['from'] as EmergencyLevel | null | undefined) ?? null);
  const to = levelWords((details['to'] as EmergencyLevel | null | undefined) ?? null);
  const sensors = Number(details['sensors'] ?? 0);
  const second = (details['confirmedBy'] as ModeOperator | undefined)?.displayName;
  const confirmed = second ? { zh: `（${second} 复核）`, en: ` (confirmed by ${second})` } : { zh: '', en: '' };
  switch (kind) {
    case 'activate':
      return {
        zh: `${by}${confirmed.zh} 启动 ${to.zh}，调整 ${sensors} 个传感器的阈值与频次`,
        en: `${by}${confirmed.en} activated ${to.en}; ${sensors} sensors' thresholds and cadence changed`,
      };
    case 'step':
      return {
        zh: `${by}${confirmed.zh} 将响应由 ${from.zh} 调整为 ${to.zh}`,
        en: `${by}${confirmed.en} changed the response from ${from.en} to ${to.en}`,
      };
    case 'deactivate':
      return {
        zh: `${by} 结束应急响应，恢复常态；${sensors} 个传感器恢复原值`,
        en: `${by} returned to normal; ${sensors} sensors restored`,
      };
    case 'broadcast':
      return {
        zh: `启动通知已下发 ${Number(details['workers'] ?? 0)} 名网格员（指令 ${String(details['broadcast'])}）`,
        en: `Activation notice sent to ${Number(details['workers'] ?? 0)} grid workers (command ${String(details['broadcast'])})`,
      };
    case 'broadcast-failed':
      return {
        zh: `启动通知未能下发：${String(details['failed'])}`,
        en: `The activation notice was not sent: ${String(details['failed'])}`,
      };
    case 'roster':
      return {
        zh: `召集值班力量：${(details['groups'] as string[] | undefined)?.map((group) => DUTY_GROUP_NAMES[group as DutyGroup]?.zh ?? group).join('、') ?? ''}`,
        en: `Duty groups called up: ${(details['groups'] as string[] | undefined)?.map((group) => DUTY_GROUP_NAMES[group as DutyGroup]?.en ?? group).join(', ') ?? ''}`,
      };
    case 'ticket':
      return {
        zh: `相关工单 ${String(details['hubId'])}（类别 ${String(details['category'])}，${String(details['priority'])}）`,
        en: `Key ticket ${String(details['hubId'])} (category ${String(details['category'])}, ${String(details['priority'])})`,
      };
    default:
      return { zh: kind, en: kind };
  }
}
