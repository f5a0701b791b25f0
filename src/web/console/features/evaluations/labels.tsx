import { Tag } from 'antd';
import type { EvaluationGrade, EvaluationPhase } from '../../../../shared/api-evaluations.ts';
import { useI18n } from '../../i18n.tsx';

const PHASE_COLORS: Record<EvaluationPhase, string> = {
  study: 'default',
  self: 'blue',
  peer: 'cyan',
  ballot: 'orange',
  proposal: 'purple',
  notice: 'gold',
  final: 'green',
};
export const GRADE_COLORS: Record<EvaluationGrade, string> = { excellent: 'red', qualified: 'green', basic: 'orange', unqualified: 'default' };

export function PhaseTag({ phase }: { phase: EvaluationPhase }) {
  const { t } = useI18n();
  return (
    <Tag color={PHASE_COLORS[phase]} style={{ marginInlineEnd: 0 }}>
      {t(`evaluation.phase.${phase}` as const)}
    </Tag>
  );
}

export function GradeTag({ grade }: { grade: EvaluationGrade | null }) {
  const { t } = useI18n();
  if (!grade) return null;
  return (
    <Tag color={GRADE_COLORS[grade]} style={{ marginInlineEnd: 0 }}>
      {t(`evaluation.grade.${grade}` as const)}
    </Tag>
  );
}
