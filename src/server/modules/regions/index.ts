/** China's provinces, cities and counties: names, codes, places. */
export { cityLabel, findRegionByName, regionName, regionTree, resolvePlace, type RegionNode } from './service.ts';
export { registerRegionRoutes } from './routes.ts';
