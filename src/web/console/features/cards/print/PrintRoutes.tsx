import { Button, Result } from 'antd';
import { useI18n } from '../../../i18n.tsx';
import { useLocation } from '../../../router.tsx';
import { CardsPrint } from './CardsPrint.tsx';
import { ContactCardsPrint } from './ContactCardsPrint.tsx';
import { LabelsPrint } from './LabelsPrint.tsx';
import { EvaluationPrint } from '../../evaluations/EvaluationPrint.tsx';

/** The print pages (/print/…): shown without the console's menu and header, each with its own 打印 button. */
export default function PrintRoutes() {
  const { t } = useI18n();
  const loc = useLocation();
  if (loc.path === '/print/contact-cards') return <ContactCardsPrint key={loc.href} query={loc.query} />;
  if (loc.path === '/print/labels') return <LabelsPrint key={loc.href} query={loc.query} />;
  if (loc.path === '/print/cards') return <CardsPrint key={loc.href} query={loc.query} />;
  if (loc.path.startsWith('/print/evaluation/')) return <EvaluationPrint key={loc.href} id={loc.path.slice('/print/evaluation/'.length)} />;
  return (
    <Result
      status="404"
      title={t('error.notFoundTitle')}
      subTitle={t('error.notFoundPage')}
      extra={
        <Button type="primary" href="/">
          {t('common.backHome')}
        </Button>
      }
    />
  );
}
