/** News with review before publishing (保密审查) and its public pages (being built). */
export {};
