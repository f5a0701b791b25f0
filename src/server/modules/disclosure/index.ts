/** Filled in as the capability is built; other modules import only from here. */
export {};
