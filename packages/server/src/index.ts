// Public surface of @peerconn/server: start it in-process, or run it as a command.
export type { ServerOptions } from './config.ts';
export { OptionError, UsageError } from './config.ts';
export type { TimingPreset } from './domain/timing.ts';
export { TIMING_PRESET_NAMES } from './domain/timing.ts';
export type {
  Account,
  AccountCredential,
  ClockState,
  Engine,
  PendingTransition,
  Snapshot,
  TransitionName,
  TransitionTiming,
} from './engine/api.ts';
export { runServerCli } from './main.ts';
export type { CommandOptions, OptionRow, OptionType } from './options.ts';
export { parseCliArgs, SERVER_OPTIONS, USAGE } from './options.ts';
export type { ListenerAddress, RunningServer } from './server.ts';
export { startServer } from './server.ts';
