import type { TestProject } from 'vitest/node';
import { buildTemplate, dropTemplate, type TemplateInfo } from './template.ts';
import { clockStartFromEnv, clockStartingAt } from '../../src/server/clock.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    template: TemplateInfo;
  }
}

export default async function setup(project: TestProject) {
  const env = project.config.env ?? {};
  const serverUrl = env.LIANXIN_TEST_PG_URL || undefined;
  // The project's moment (LIANXIN_CLOCK_AT), as its test files' process clock will read it.
  const clock = clockStartingAt(clockStartFromEnv({ LIANXIN_CLOCK_AT: env.LIANXIN_CLOCK_AT }));
  const info = await buildTemplate(serverUrl, clock, project.name);
  project.provide('template', info);
  return async () => dropTemplate(info);
}
