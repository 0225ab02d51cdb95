import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Hang guards, not speed limits (see test/helpers/hang-guard.ts): far above any test's time
    // on a heavily loaded machine, and above the guard of the processes tests spawn.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "threads",
  },
});
