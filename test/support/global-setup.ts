import type { TestProject } from 'vitest/node';
import { buildTemplate, dropTemplate, type TemplateInfo } from './template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    template: TemplateInfo;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = project.config.env?.LIANXIN_TEST_PG_URL || undefined;
  const info = await buildTemplate(serverUrl);
  project.provide('template', info);
  return async () => dropTemplate(info);
}
