/** Fictional people for demo data and tests: common surnames and given names, combined at random. */
export const SURNAMES = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄', '周', '吴', '徐', '孙', '朱', '马', '胡', '郭', '林', '何', '高', '罗', '郑', '梁', '谢', '宋', '唐', '许', '邓', '冯', '韩', '曹', '施', '顾', '陆', '沈', '龚', '季'];
export const GIVEN_MALE = ['建国', '志强', '晓东', '国平', '文杰', '永明', '立新', '宇航', '思远', '浩然', '明辉', '德华', '卫东', '嘉伟', '振华', '子豪', '金生', '伟', '磊', '军', '勇', '杰', '强', '涛'];
export const GIVEN_FEMALE = ['秀英', '桂兰', '海燕', '春华', '丽娟', '玉梅', '雪梅', '红霞', '佳怡', '梓涵', '静怡', '淑芬', '晨曦', '欣悦', '美玲', '雨桐', '凤英', '敏', '芳', '娟', '艳', '琳', '燕', '霞'];
export const GIVEN = [...GIVEN_MALE, ...GIVEN_FEMALE];

/** Deterministic pseudo-random numbers (mulberry32), so the demo is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
