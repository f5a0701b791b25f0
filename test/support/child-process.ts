/** Running the real server as a child process: a free port, and waiting for the child to end. */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { clock } from '../../src/server/clock.ts';

/** A port nobody listens on right now: bind port 0, read what the kernel chose, release it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Whether the process ended within `ms`. */
export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * What a server process a test starts must be told for its clock to read what the test's reads
 * (the suite's passes at other moments, vitest.config.ts): the test's "now" as the child's start.
 */
export function clockEnv(): { LIANXIN_CLOCK_AT: string } {
  return { LIANXIN_CLOCK_AT: clock.offsetMs === 0 ? '' : clock.now().toISOString() };
}
