/** Fictional people for demo data and tests: common surnames and given names, combined at random. */
export const SURNAMES = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄', '周', '吴', '徐', '孙', '朱', '马', '胡', '郭', '林', '何', '高', '罗', '郑', '梁', '谢', '宋', '唐', '许', '邓', '冯', '韩', '曹', '施', '顾', '陆', '沈', '龚', '季'];
export const GIVEN = ['建国', '志强', '秀英', '桂兰', '海燕', '晓东', '春华', '丽娟', '国平', '玉梅', '文杰', '雪梅', '永明', '红霞', '立新', '佳怡', '宇航', '思远', '梓涵', '浩然', '明辉', '静怡', '德华', '淑芬', '卫东', '晨曦', '嘉伟', '欣悦', '振华', '美玲', '子豪', '雨桐', '金生', '凤英', '伟', '敏', '磊', '芳', '军', '娟', '勇', '艳', '杰', '琳', '强', '燕', '涛', '霞'];

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
