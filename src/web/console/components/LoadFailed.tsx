import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button } from 'antd';
import { errorText } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';

/**
 * What a page or a part of it shows when its answer could not be read and there is nothing older to
 * show: the server's words (or a plain one; 网络 when no answer came) and 重试, which asks again — never
 * an empty table ("no data") nor a skeleton that never ends. Use as `load.error && !load.data`.
 */
export function LoadFailed({ error, onReload, testId }: { error: unknown; onReload: () => void; testId?: string }) {
  const { t } = useI18n();
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={errorText(error, t('error.generic'), t('error.network'))}
      action={
        <Button size="small" icon={<ReloadOutlined aria-hidden />} onClick={onReload}>
          {t('common.retry')}
        </Button>
      }
      data-testid={testId ?? 'load-failed'}
      style={{ marginBottom: 16 }}
    />
  );
}
