// When timed transitions are due, without asking the store on every request. The scheduler keeps a lower bound
// of the earliest due instant: lowered by every write that schedules something (here or, on PostgreSQL, in
// another process), and set exactly by each catch-up pass. A request pays for a catch-up only when that bound
// has passed; otherwise one number comparison tells it that nothing is due. A timer armed for the bound runs the
// catch-up when nobody asks.
import type { VirtualClock } from './clock.ts';

/** setTimeout's ceiling; a later due instant is reached by re-arming. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After a failed pass the timer waits this long, so a store that is down is not hammered in a loop. */
const RETRY_AFTER_FAILURE_MS = 1000;

export type CatchUpTrigger = 'timer' | 'clock' | 'run' | 'request';

/** Applies whatever is due by `upTo`; returns how many ran and the earliest due instant left. */
export type CatchUpPass = (
  upTo: number,
  trigger: CatchUpTrigger,
) => Promise<{ applied: number; nextDueAt: number | undefined }>;

export class Scheduler {
  /** No timed transition is due before this virtual instant (undefined: none is scheduled). */
  private nextDueAt: number | undefined = Number.NEGATIVE_INFINITY;
  /** Due instants announced while a pass ran; the pass's own answer may predate them. */
  private announcedDuringPass: number | undefined;
  private pass: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastPassFailed = false;

  constructor(
    private readonly clock: VirtualClock,
    private readonly runPass: CatchUpPass,
    /** Called when a pass started by the timer fails; the next request's catch-up retries it. */
    private readonly onTimerError: (error: unknown) => void,
  ) {}

  /** Whether a catch-up is owed before serving a request at virtual instant `now`. */
  isDue(now: number): boolean {
    return this.nextDueAt !== undefined && this.nextDueAt <= now;
  }

  /** Something was scheduled at `at`. */
  noteDue(at: number): void {
    if (this.pass) this.announcedDuringPass = Math.min(this.announcedDuringPass ?? at, at);
    if (this.nextDueAt === undefined || at < this.nextDueAt) {
      this.nextDueAt = at;
      this.arm();
    }
  }

  /** The schedule may have changed in any way (reset, import): the next request catches up first. */
  forget(): void {
    this.nextDueAt = Number.NEGATIVE_INFINITY;
    this.arm();
  }

  /** Runs a catch-up pass (one at a time; concurrent callers share it). Resolves to how many transitions ran. */
  catchUp(trigger: CatchUpTrigger): Promise<number> {
    this.pass ??= (async () => {
      this.announcedDuringPass = undefined;
      try {
        const { applied, nextDueAt } = await this.runPass(this.clock.now(), trigger);
        const announced = this.announcedDuringPass;
        this.nextDueAt =
          announced === undefined
            ? nextDueAt
            : nextDueAt === undefined
              ? announced
              : Math.min(nextDueAt, announced);
        this.lastPassFailed = false;
        return applied;
      } catch (error) {
        this.lastPassFailed = true;
        throw error;
      } finally {
        this.pass = undefined;
        this.arm();
      }
    })();
    return this.pass;
  }

  /** Re-arms the timer for the current bound (after a clock change, or when the bound moved). */
  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.nextDueAt;
    if (this.stopped || next === undefined || this.clock.frozen) return;
    const floor = this.lastPassFailed ? RETRY_AFTER_FAILURE_MS : 0;
    const wait = Math.min(Math.max(floor, next - this.clock.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.catchUp('timer').catch(this.onTimerError);
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits for a pass in flight, so that closing does not cut it. */
  async idle(): Promise<void> {
    await this.pass?.catch(() => undefined);
  }
}
