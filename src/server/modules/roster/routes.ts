import type { App } from '../../http.ts';
import type { AppServices } from '../../services.ts';

/** Excel import and export of the roster (built in roster/service.ts). */
export function registerRosterRoutes(_app: App, _services: AppServices): void {}
