import { PageHeader } from '../components/common.tsx';
import { useI18n } from '../i18n.tsx';

export function DriftPage() {
  const { t } = useI18n();
  return <PageHeader title={t('nav.drift')} />;
}
