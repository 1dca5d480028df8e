// Public surface of @peerconn/server: start it in-process, or run it as a command.
export type { ServerOptions } from './config.ts';
export { parseCliArgs, USAGE, UsageError } from './config.ts';
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
export type { ListenerAddress, RunningServer } from './server.ts';
export { startServer } from './server.ts';
