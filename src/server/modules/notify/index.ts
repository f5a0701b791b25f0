/** The outbox and its channels: what other modules may use. */
export * from './providers/types.ts';
