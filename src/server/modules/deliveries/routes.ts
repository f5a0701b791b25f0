import type { App } from '../../http.ts';
import type { AppServices } from '../../services.ts';

export function registerDeliveriesRoutes(app: App, services: AppServices): void {
  void app;
  void services;
}
