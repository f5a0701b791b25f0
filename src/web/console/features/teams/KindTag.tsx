import { Tag } from 'antd';
import { useI18n } from '../../i18n.tsx';
import type { TeamKind } from '../../../../shared/api-teams.ts';

const COLOR: Record<TeamKind, string> = { companion: 'magenta', environment: 'green', knock: 'blue', errand: 'orange', other: 'default' };

/** A team's kind (陪伴, 环境, 敲门, 帮办, 其他) as a tag. */
export function KindTag({ kind }: { kind: TeamKind }) {
  const { t } = useI18n();
  return <Tag color={COLOR[kind]}>{t(`teams.kind.${kind}`)}</Tag>;
}
