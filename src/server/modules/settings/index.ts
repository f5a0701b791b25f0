/** Tenant settings (cadences, thresholds): read by the rules of the other modules. */
export { DEFAULT_SETTINGS, getSettings, updateSettings, TenantSettings } from './service.ts';
export { registerSettingsRoutes } from './routes.ts';
