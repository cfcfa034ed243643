// Types for scripts/local-hub.mjs (plain JavaScript, run by `npm start` without a compiler), for its tests.
import type { ChildProcess } from 'node:child_process';

export declare const DEFAULT_SIM_WORKERS: number;
export declare const DEFAULT_SIM_REPORTS: number;
export declare const CITY_READY_PREFIX: string;
export declare class UsageError extends Error {}

export interface LauncherOptions {
  web: boolean;
  buildOnly: boolean;
  localHub: boolean;
  simWorkers: number;
  simReports: number;
  passThrough: string[];
  dataDir: string;
}
export declare function launcherOptions(args: string[], env?: NodeJS.ProcessEnv): LauncherOptions;

export declare function simulatorRates(options: { simWorkers: number; simReports: number }): {
  patrol: number;
  citizen: number;
};

export interface Runtime {
  command: string;
  env: NodeJS.ProcessEnv;
}
export interface LocalHub {
  child: ChildProcess;
  url: string;
  secretsFile: string;
  logFile: string;
}
export declare function startLocalHub(options: {
  root: string;
  runtime: Runtime;
  dataDir: string;
}): Promise<LocalHub | undefined>;
export declare function startSimulatedWorkers(options: {
  root: string;
  runtime: Runtime;
  dataDir: string;
  hub: LocalHub;
  count: number;
  reportRate?: number;
}): { child: ChildProcess; logFile: string };
export declare function startSimulatedCitizens(options: {
  root: string;
  runtime: Runtime;
  dataDir: string;
  hub: LocalHub;
  rate: number;
}): { child: ChildProcess; logFile: string } | undefined;
export declare function isRunning(child: ChildProcess): boolean;
export declare function stopChild(child: ChildProcess): Promise<void>;
export declare function exitReason(code: number | null, signal: NodeJS.Signals | null): string;
export declare function say(line: string): void;
