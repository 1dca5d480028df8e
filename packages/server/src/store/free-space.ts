// Whether the file system under a store's files has room to spare. After a full disk, a small write can fit into
// its last few kilobytes where the next real one does not; the free space says whether real writes will fit
// (docs/server.md, "When things fail").
import { statfsSync } from 'node:fs';

/**
 * A full disk is over once this much is free: about what SQLite's WAL grows to before it starts over (1000 pages
 * of 4 KiB, sqlite.ts). A create takes some 40 KiB of it, so once readiness says ready, writes go on for a while
 * rather than filling the disk again with the next one.
 */
export const DEFAULT_MIN_FREE_DISK_BYTES = 4 * 1024 * 1024;

/**
 * Whether `free` of a file system of `size` bytes is room to spare: `minBytes`, but never more than half the
 * file system, or a disk smaller than the margin could never be ready again however much were freed.
 */
export function isRoomToSpare(free: number, size: number, minBytes: number): boolean {
  return free >= Math.min(minBytes, size / 2);
}

/**
 * Whether the file system holding `dir` has room to spare, counting only what any user may take (blocks
 * reserved for root do not count, though a server running as root could use them). With a margin of 0, or where
 * the file system cannot be asked, the answer is yes: the write alone then decides.
 */
export function hasRoomToSpare(dir: string, minBytes: number): boolean {
  if (minBytes === 0) return true;
  try {
    const space = statfsSync(dir);
    return isRoomToSpare(space.bavail * space.bsize, space.blocks * space.bsize, minBytes);
  } catch {
    return true;
  }
}
