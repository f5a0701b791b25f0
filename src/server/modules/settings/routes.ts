import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import { readSettings, TenantSettings, updateSettings } from './service.ts';

export function registerSettingsRoutes(app: App, { db }: AppServices): void {
  const r = typed(app);
  r.get('/api/settings', {
    config: { access: 'session' },
    schema: { tags: ['settings'], summary: '规则设置 Rules of this organization', response: { 200: TenantSettings } },
    handler: async (req) => readSettings(db, context(req)),
  });
  r.put('/api/settings', {
    config: { access: 'session' },
    schema: { tags: ['settings'], summary: '修改规则设置 Change the rules', body: TenantSettings.partial(), response: { 200: TenantSettings } },
    handler: async (req) => updateSettings(db, context(req), req.body),
  });
}
