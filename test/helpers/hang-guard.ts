/**
 * Hang guards, not speed limits: a test never asserts how long something took (speed lives in
 * `npm run bench`). A spawned process is killed after HANG_GUARD_MS, and vitest's own test and
 * hook timeout (vitest.config.ts) is above it, so a guard fires only for something that would
 * never finish, not for a machine shared by many busy processes (a 2-core machine at load 25 runs
 * a test about 10 times slower than when idle).
 */
export const HANG_GUARD_MS = 240_000;
