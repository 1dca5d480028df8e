// What every view reads: the latest state from the server, and the one way to act on it.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { StateView } from '../../src/admin/views.ts';

export interface ConsoleContext {
  state: StateView;
  /** performance.now() when `state` arrived, to run the virtual clock forward between updates. */
  receivedAt: number;
  /** Account names by id. */
  names: ReadonlyMap<string, string>;
  /**
   * Runs an action, reports its outcome (with the error's code, message and request id when it fails) and
   * reloads the state. Resolves to whether it succeeded.
   */
  perform<T>(label: string, action: () => Promise<T>, success?: (result: T) => string): Promise<boolean>;
  /** Bumped whenever the timeline may have grown. */
  timelineVersion: number;
}

export const Ctx = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const value = useContext(Ctx);
  if (!value) throw new Error('useConsole outside the console');
  return value;
}

/** The virtual now in ms, extrapolated from the last state while the clock runs. */
export function virtualNow(
  ctx: Pick<ConsoleContext, 'state' | 'receivedAt'>,
  at = performance.now(),
): number {
  const base = Date.parse(ctx.state.clock.now);
  return ctx.state.clock.frozen ? base : base + (at - ctx.receivedAt);
}

/** The server's real now in ms, estimated the same way (the browser's clock may differ from the server's). */
export function serverRealNow(ctx: Pick<ConsoleContext, 'state' | 'receivedAt'>): number {
  const { clock } = ctx.state;
  return Date.parse(clock.now) - clock.offsetMs + (performance.now() - ctx.receivedAt);
}

/** Re-renders the caller every `ms` while it is mounted (for clocks and "in 3s" labels; no requests). */
export function useTick(ms = 1000): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function accountName(ctx: Pick<ConsoleContext, 'names'>, accountId: string): string {
  return ctx.names.get(accountId) ?? `${accountId.slice(0, 8)}…`;
}
