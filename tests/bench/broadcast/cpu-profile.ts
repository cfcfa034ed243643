/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went inside given windows of the process's
 * life — the broadcasts, not the connection storm before them. V8 stamps samples with the monotonic clock in µs,
 * the clock `process.hrtime` reads, so another process on the same machine can name the windows.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Times are the profiler's: each sample weighs the wall time until the next one, so on a machine whose cores are
 * shared (the simulator, other processes) a preempted sample stretches. Read the shares, not the milliseconds.
 */
export interface ProfileSummary {
  /** Sampled time inside the windows, and the share of it that was idle (waiting for I/O). */
  sampledMs: number;
  idleShare: number;
  /** Busy time by where the code lives (a package, a Node built-in, the hub's own files, GC). */
  byPlace: { place: string; selfMs: number; share: number }[];
  /** The functions with the most busy self time. */
  topSelf: { fn: string; selfMs: number; share: number }[];
  /** The functions with the most busy time including what they call. */
  topTotal: { fn: string; totalMs: number; share: number }[];
  /** Busy time by phase: the first phase (from the sampled function outwards) whose test a frame passes. */
  byPhase: { phase: string; selfMs: number; share: number }[];
}

/** A phase of the work, recognised by a frame on the sampled stack. */
export interface Phase {
  phase: string;
  test: (functionName: string, place: string) => boolean;
}

/** The monotonic clock in µs, as V8's profiler stamps samples. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

function place(frame: CallFrame, root: string): string {
  const { url, functionName } = frame;
  if (!url) return functionName || '(anonymous)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const path = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;
  return path;
}

const name = (frame: CallFrame, root: string): string =>
  `${frame.functionName || '(anonymous)'} ${place(frame, root)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;

export function summarizeProfile(
  file: string,
  windows: [number, number][],
  root: string,
  phases: readonly Phase[] = [],
  top = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inWindow = (t: number): boolean => windows.some(([from, to]) => t >= from && t <= to);

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const places = new Map<string, number>();
  const phaseTime = new Map<string, number>();
  let sampledUs = 0;
  let idleUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample's weight is the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0;
    if (!inWindow(t)) continue;
    sampledUs += weight;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    // `(idle)`: waiting in the event loop. `(program)` (native work V8 cannot attribute, much of it the loop's own
    // I/O) and `(garbage collector)` count as busy.
    if (node.callFrame.functionName === '(idle)' && !node.callFrame.url) {
      idleUs += weight;
      continue;
    }
    const own = name(node.callFrame, root);
    self.set(own, (self.get(own) ?? 0) + weight);
    const where = place(node.callFrame, root);
    places.set(where, (places.get(where) ?? 0) + weight);
    const seen = new Set<string>();
    let phase: string | undefined;
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      phase ??= phases.find((candidate) => candidate.test(frame.functionName, place(frame, root)))?.phase;
      if (frame.functionName === '(root)' && !frame.url) continue;
      const fn = name(frame, root);
      if (seen.has(fn)) continue;
      seen.add(fn);
      total.set(fn, (total.get(fn) ?? 0) + weight);
    }
    phase ??= 'other';
    phaseTime.set(phase, (phaseTime.get(phase) ?? 0) + weight);
  }
  const busyUs = Math.max(1, sampledUs - idleUs);
  const ms = (us: number): number => Number((us / 1000).toFixed(1));
  const share = (us: number): number => Number((us / busyUs).toFixed(3));
  const sorted = (map: Map<string, number>): [string, number][] => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    sampledMs: ms(sampledUs),
    idleShare: Number((idleUs / Math.max(1, sampledUs)).toFixed(3)),
    byPlace: sorted(places).map(([where, us]) => ({ place: where, selfMs: ms(us), share: share(us) })),
    topSelf: sorted(self).map(([fn, us]) => ({ fn, selfMs: ms(us), share: share(us) })),
    topTotal: sorted(total).map(([fn, us]) => ({ fn, totalMs: ms(us), share: share(us) })),
    byPhase: sorted(phaseTime).map(([phase, us]) => ({ phase, selfMs: ms(us), share: share(us) })),
  };
}
