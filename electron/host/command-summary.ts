/**
 * What a held command does, in words a second operator can decide on: the target, the priority and the text of a
 * broadcast. Names come from the store, so "3 county-level units" reads as their names.
 */
import type { BroadcastDraft, InvokeName, ModeSwitchRequest } from '../../shared/contract';
import { LEVEL_INFO } from '../../shared/domain/modes/emergency-levels';
import { EVENT_TYPE_NAMES } from '../../shared/domain/modes/event-types';
import type { Store } from '../services/store/store';

const MAX_NAMES = 5;

/** The broadcast desk's priority words, Chinese first, as the second operator reads them. */
const PRIORITY_WORDS: Readonly<Record<BroadcastDraft['priority'], string>> = {
  routine: '一般 routine',
  urgent: '紧急 urgent',
  emergency: '特急 emergency',
};

function names(store: Store, table: 'counties' | 'grids', ids: readonly number[]): string {
  const found = store
    .reader()
    .prepare(`SELECT name FROM ${table} WHERE id IN (SELECT value FROM json_each(?)) LIMIT ${MAX_NAMES}`)
    .pluck()
    .all(JSON.stringify(ids)) as string[];
  const more = ids.length - found.length;
  return more > 0 ? `${found.join('、')} +${more}` : found.join('、');
}

function targetWords(store: Store, target: BroadcastDraft['target']): string {
  switch (target.kind) {
    case 'city':
      return '全市 whole city';
    case 'counties':
      return names(store, 'counties', target.ids);
    case 'grids':
      return names(store, 'grids', target.ids);
    case 'polygon':
      return `多边形区域 polygon (${target.ring.length} corners)`;
    case 'radius':
      return `半径 ${target.meters} m radius`;
  }
}

export function summariseCommand(name: InvokeName, input: unknown, store: Store): string {
  if (name === 'broadcast.send') {
    const draft = input as BroadcastDraft;
    const text = draft.text.length > 140 ? `${draft.text.slice(0, 140)}…` : draft.text;
    return `${targetWords(store, draft.target)} · ${PRIORITY_WORDS[draft.priority]} · ${text}`;
  }
  if (name === 'modes.switch') {
    const request = input as ModeSwitchRequest;
    const event = EVENT_TYPE_NAMES[request.eventType];
    const level = request.level ? `${LEVEL_INFO[request.level].zh} ${LEVEL_INFO[request.level].en}` : '常态 normal';
    const scope =
      request.scope.kind === 'city'
        ? '全市 whole city'
        : request.scope.kind === 'polygon'
          ? `多边形区域 polygon (${request.scope.ring.length} corners)`
          : request.scope.codes.join('、');
    return `应急模式 emergency mode · ${event.zh} ${event.en} · ${level} · ${scope}`;
  }
  return name;
}
