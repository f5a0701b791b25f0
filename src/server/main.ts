import { ConfigError, loadConfig, logsRoutineWork } from './config.ts';
import { boot, demoBanner } from './boot.ts';
import { buildApp } from './app.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { serverJobs } from './jobs/index.ts';
import { speechJobs } from './modules/library/index.ts';
import { AdvisoryJobLocks } from './jobs/locks.ts';
import { startChangeFeed } from './change-feed.ts';
import { DataFolderBusy } from './db/data-lock.ts';
import { serverControlHandlers, startControlServer } from './control.ts';
import { filesFolder } from './storage.ts';

/** Starts the server: checked config → database + migrations (+ demo) → HTTP; stops cleanly on SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  // Everything this process creates is private to its user unless made otherwise on purpose.
  process.umask(0o077);
  let ready = false;
  const log = { info: (m: string) => console.log(m), warn: (m: string) => console.warn(`warning: ${m}`) };
  const booted = await boot(config, log);
  const app = await buildApp({
    services: booted.services,
    // At a developer's console the log shares process.stdout (written synchronously) with the banner,
    // so the demo logins below come out last; production keeps pino's own faster asynchronous stream.
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, ...(config.env === 'production' ? {} : { stream: process.stdout }) },
    logRequests: logsRoutineWork(config),
    isReady: () => ready,
  });
  // Backup and export from the command line reach this process through the data folder's control
  // socket: the embedded database admits no second process (db/data-lock.ts).
  const { db, cipher } = booted.services;
  const control =
    booted.opened.kind === 'pglite' ? await startControlServer(config.dataDir, serverControlHandlers({ db, cipher, filesDir: filesFolder(config.dataDir) }), app.log) : null;
  // Scheduled work (pushes, reminders, closing sessions): the first run of each job catches up
  // whatever fell due while the server was down.
  // Several processes on one PostgreSQL: a job's tick runs in the one holding its advisory lock,
  // and caches hear of the others' changes (both do nothing on PGlite, one process per folder).
  const pgUrl = booted.opened.kind === 'postgres' ? config.databaseUrl : undefined;
  const jobLocks = pgUrl ? new AdvisoryJobLocks(pgUrl) : undefined;
  // At a developer's console a job's run is routine (logsRoutineWork): only its warnings and errors show.
  const jobLog = config.logLevel === 'info' && !logsRoutineWork(config) ? app.log.child({}, { level: 'warn' }) : app.log;
  // The outbox sends with the boot's cipher (webhook keys, provider credentials) and links to the public address.
  const scheduler = new Scheduler(booted.services.db, [...serverJobs({ cipher, publicUrl: config.publicUrl, production: config.env === 'production', log: jobLog }), ...speechJobs(booted.services.storage, booted.services.speech ?? null, jobLog)], jobLog, { locks: jobLocks });
  const changeFeed = await startChangeFeed({ kind: booted.opened.kind, db: booted.services.db, databaseUrl: config.databaseUrl, log: app.log });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.error('shutdown took too long, exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    // In-flight requests get 3 s to finish; then keep-alive connections still open are cut.
    const cut = setTimeout(() => app.server.closeAllConnections(), 3_000);
    cut.unref();
    await app.close();
    app.log.info('http server closed');
    await control?.close();
    await scheduler.stop();
    await jobLocks?.close();
    await changeFeed.stop();
    await booted.opened.close();
    app.log.info('database closed');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Expired sessions are deleted at start and then every hour.
  const purge = () => booted.services.auth.purgeExpired().catch((err: unknown) => app.log.warn({ err }, 'session purge failed'));
  void purge();
  setInterval(() => void purge(), 3_600_000).unref();
  await app.listen({ port: config.port, host: config.host });
  scheduler.start();
  ready = true;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  app.log.info({ url, database: booted.services.dbKind }, 'Lianxin is serving');
  if (booted.demo) console.log(demoBanner(url, booted.demo));
}

main().catch((err: unknown) => {
  // A second server on a data folder in use: the holder's pid says it all, no stack needed.
  console.error(err instanceof DataFolderBusy ? err.message : err);
  process.exit(1);
});
