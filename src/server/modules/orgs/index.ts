/** The org tree (units: create, rename, move, retire) and grids. A unit is looked up with `getOrg` of src/server/directory. */
export { listOrgs, listGrids } from './service.ts';
export { registerOrgRoutes } from './routes.ts';
