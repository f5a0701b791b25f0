/**
 * A second process for lock tests: `node --import tsx test/support/hold-data-folder.ts <dataDir>
 * <purpose> [holdMs|exit] [startAtEpochMs]`. Waits until startAt (so several start racing at once),
 * tries to take the data folder, prints one JSON line ({ locked: true, pid } or { locked: false,
 * message }), holds the lock for holdMs (default: until stdin closes) and releases it. `exit`:
 * leaves at once with process.exit, without releasing (the exit hook must).
 */
import { DataFolderBusy, lockDataFolder } from '../../src/server/db/data-lock.ts';

const [dataDir, purpose = 'test', holdMs, startAt] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: hold-data-folder.ts <dataDir> <purpose> [holdMs] [startAtEpochMs]');
if (startAt) await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
try {
  const lock = lockDataFolder(dataDir, purpose);
  console.log(JSON.stringify({ locked: true, pid: process.pid, at: Date.now() }));
  const release = (): void => {
    lock.release();
    process.exit(0);
  };
  process.on('SIGTERM', release);
  if (holdMs === 'exit') process.exit(0);
  else if (holdMs) setTimeout(release, Number(holdMs));
  else {
    process.stdin.resume();
    process.stdin.on('end', release);
  }
} catch (err) {
  if (!(err instanceof DataFolderBusy)) throw err;
  console.log(JSON.stringify({ locked: false, pid: process.pid, message: err.message }));
}
