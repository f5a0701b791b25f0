import type { Actor } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';
import { findRegionByName, regionTree, resolvePlace } from '../regions/index.ts';
import type { ImportColumnKey } from './schema.ts';

// What a roster row refers to by name — its unit, its grid, the destination of a mobile member —
// resolved against reference data read once per import. Lookups are cached: a file names the same
// units and places over and over.

export interface UnitRef {
  id: string;
  name: string;
  path: string;
  /** Names from the top unit down to this one. */
  names: string[];
}

/** Units as read in path order (id, name, path), each with the names from the top unit down to it. */
export function withNames(rows: { id: string; name: string; path: string }[]): UnitRef[] {
  const nameOf = new Map(rows.map((r) => [r.id, r.name]));
  return rows.map((r) => ({ ...r, names: r.path.split('/').filter(Boolean).map((id) => nameOf.get(id) ?? '') }));
}

export const canImportInto = (actor: Actor, unit: UnitRef): boolean => can(actor, 'roster.import', { kind: 'org', tenantId: actor.tenantId, path: unit.path });

/** 所在组织 by name, or by a path of names (第一党支部/第一党小组) when names repeat. */
export class UnitResolver {
  private readonly cache = new Map<string, UnitRef | string>();
  constructor(
    private readonly units: UnitRef[],
    private readonly actor: Actor,
  ) {}

  resolve(text: string): UnitRef | string {
    let hit = this.cache.get(text);
    if (hit === undefined) {
      hit = this.lookup(text);
      this.cache.set(text, hit);
    }
    return hit;
  }

  private lookup(text: string): UnitRef | string {
    const segments = text.split(/[/／\\>＞]/).map((s) => s.trim()).filter(Boolean);
    const matches = this.units.filter((u) => segments.length <= u.names.length && segments.every((s, i) => u.names[u.names.length - segments.length + i] === s));
    if (matches.length === 0) return `找不到组织“${text}”`;
    const inScope = matches.filter((u) => canImportInto(this.actor, u));
    if (inScope.length === 0) return `组织“${text}”不在您管理的范围内`;
    const [first, second] = inScope;
    if (second) return `有多个组织名为“${text}”，请写完整路径，如“${first?.names.join('/')}”`;
    return first ?? `找不到组织“${text}”`;
  }
}

export interface GridRef {
  id: string;
  name: string;
  orgPath: string;
}

/** 网格 by name: a grid of the member's unit, of a unit above it (a village's grids) or below it. */
export class GridResolver {
  private readonly byName = new Map<string, GridRef[]>();
  private readonly cache = new Map<string, GridRef | string>();
  constructor(grids: GridRef[]) {
    for (const g of grids) {
      const list = this.byName.get(g.name) ?? [];
      list.push(g);
      this.byName.set(g.name, list);
    }
  }

  resolve(name: string, unit: UnitRef | null): GridRef | string {
    const key = `${unit?.id ?? ''}|${name}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.lookup(name, unit);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private lookup(name: string, unit: UnitRef | null): GridRef | string {
    const named = this.byName.get(name) ?? [];
    if (named.length === 0) return `找不到网格“${name}”`;
    if (!unit) return named[0] as GridRef;
    const related = named.filter((g) => unit.path.startsWith(g.orgPath) || g.orgPath.startsWith(unit.path));
    if (related.length === 0) return `网格“${name}”不属于${unit.name}`;
    if (related.length > 1) return `有多个网格名为“${name}”，请联系管理员区分网格名称`;
    return related[0] as GridRef;
  }
}

export interface Destination {
  provinceCode: string;
  cityCode: string | null;
  districtCode: string | null;
  placeName: string;
}

const destinationCache = new Map<string, Destination | { column: ImportColumnKey; message: string }>();

/** 外出省份/城市/区县 by name → codes and the readable place name. */
export function resolveDestination(province: string, city: string | null, district: string | null): Destination | { column: ImportColumnKey; message: string } {
  const key = `${province}|${city ?? ''}|${district ?? ''}`;
  const cached = destinationCache.get(key);
  if (cached) return cached;
  const result = lookupDestination(province, city, district);
  if (destinationCache.size < 10_000) destinationCache.set(key, result);
  return result;
}

const stripDistrictSuffix = (s: string): string => s.replace(/(区|县|市|旗)$/, '');

function lookupDestination(province: string, city: string | null, district: string | null): Destination | { column: ImportColumnKey; message: string } {
  const p = findRegionByName(province);
  if (!p) return { column: 'province', message: `找不到省份“${province}”` };
  if (!city && district) return { column: 'city', message: '填写外出区县时须同时填写外出城市' };
  let cityCode: string | null = null;
  if (city) {
    const c = findRegionByName(province, city);
    if (!c?.cityCode) return { column: 'city', message: `找不到城市“${city}”（${province}）` };
    cityCode = c.cityCode;
  }
  let districtCode: string | null = null;
  if (district && cityCode) {
    const cityNode = regionTree().find((x) => x.code === p.provinceCode)?.children?.find((x) => x.code === cityCode);
    const d = (cityNode?.children ?? []).find((x) => x.name === district || stripDistrictSuffix(x.name) === stripDistrictSuffix(district));
    if (!d) return { column: 'district', message: `找不到区县“${district}”（${city}）` };
    districtCode = d.code;
  }
  return { provinceCode: p.provinceCode, cityCode, districtCode, placeName: resolvePlace(p.provinceCode, cityCode, districtCode) };
}
