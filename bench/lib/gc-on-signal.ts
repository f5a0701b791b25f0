/**
 * Preloaded only into the server process of `bench/figures/bomb.ts` (with `--expose-gc`): SIGUSR2
 * runs a full garbage collection, so the RSS measured before each step is what the process holds,
 * not garbage V8 has not needed to collect yet.
 */
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
