import { App } from 'antd';
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n.tsx';

export interface DiscardGuard {
  /**
   * For the form's `onValuesChange`, which antd calls only for what a person changes: values the
   * dialog fills in itself (`setFieldsValue` when it opens) do not count. antd's own "touched"
   * cannot tell the two apart (setFieldsValue marks fields touched).
   */
  onValuesChange: () => void;
  /** For Esc, a click outside, the close button and 取消. */
  requestClose: () => void;
}

/**
 * The one way a drawer or modal holding a form closes. Once someone has changed the form, closing
 * asks "放弃未保存的内容？" and goes on only when that is confirmed; an untouched form closes at once.
 *
 * What was changed is forgotten whenever `resetKey` changes (pass `open`, or whatever starts a fresh
 * form). `unsaved` adds input the form does not hold, such as a photo still uploading.
 */
export function useDiscardGuard(resetKey: unknown, close: () => void, unsaved?: () => boolean): DiscardGuard {
  const { modal } = App.useApp();
  const { t } = useI18n();
  const changed = useRef(false);
  const asking = useRef(false);

  useEffect(() => {
    changed.current = false;
  }, [resetKey]);

  const requestClose = () => {
    // a second Esc or click while the question is open does not ask twice
    if (asking.current) return;
    if (!changed.current && !unsaved?.()) {
      close();
      return;
    }
    asking.current = true;
    modal.confirm({
      title: t('discard.title'),
      content: t('discard.content'),
      okText: t('discard.ok'),
      okButtonProps: { danger: true },
      cancelText: t('discard.keep'),
      onOk: () => {
        asking.current = false;
        changed.current = false;
        close();
      },
      onCancel: () => {
        asking.current = false;
      },
    });
  };

  return {
    onValuesChange: () => {
      changed.current = true;
    },
    requestClose,
  };
}
