// A file system a test can fill and empty for real: a tmpfs of a few megabytes mounted on a temporary directory,
// with ballast files that take whatever space is left (fill) or a given amount (reserve), and give it back (free). Mounting needs root
// (CI runs as root); where it is not permitted, mountSmallDisk says why and the test skips with that notice.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Takes every byte left with a ballast file (added to any ballast already there). */
  fill(): void;
  /** Takes exactly `bytes` with a ballast file, so that what fills the rest can be given room back later. */
  reserve(bytes: number): void;
  /** Removes the ballast: the space it took is free again. */
  free(): void;
  /** Unmounts (lazily, so a process still holding a file cannot make it fail) and removes the directory. */
  remove(): void;
}

/** A tmpfs of `sizeKb` KiB, or the reason one cannot be mounted here. */
export function mountSmallDisk(sizeKb: number): SmallDisk | { unavailable: string } {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    return {
      unavailable: `cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): ${stderr || String(error)}`,
    };
  }
  let ballasts = 0;
  const fill = () => {
    const fd = openSync(join(dir, `ballast-${ballasts++}`), 'w');
    try {
      // Large blocks first, then smaller ones, until not a byte more fits.
      for (let block = 1024 * 1024; block >= 1; block = Math.floor(block / 4)) {
        const bytes = Buffer.alloc(block, 1);
        for (;;) {
          try {
            writeSync(fd, bytes);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw error;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  };
  const reserve = (bytes: number) => {
    const fd = openSync(join(dir, `ballast-${ballasts++}`), 'w');
    try {
      const block = Buffer.alloc(64 * 1024, 1);
      for (let left = bytes; left > 0; left -= block.length) {
        writeSync(fd, block, 0, Math.min(left, block.length));
      }
    } finally {
      closeSync(fd);
    }
  };
  const free = () => {
    for (let i = 0; i < ballasts; i++) rmSync(join(dir, `ballast-${i}`), { force: true });
    ballasts = 0;
  };
  const remove = () => {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { dir, fill, reserve, free, remove };
}
