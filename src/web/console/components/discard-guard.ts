import { App } from 'antd';
import { useRef } from 'react';
import { useI18n } from '../i18n.tsx';

/** What a form that can be left unsaved exposes: antd's FormInstance fits. */
interface TouchedForm {
  isFieldsTouched: () => boolean;
}

/**
 * The one way a drawer or modal holding a form closes: Esc, a click outside, the close button and
 * 取消 all call what this returns. A form someone has typed into asks "放弃未保存的内容？" first and
 * closes only when that is confirmed; an untouched form closes at once.
 *
 * `unsaved` is the form (its touched fields count: values the dialog fills in itself do not), or a
 * function for a dialog that also holds input outside its form (photos being added, say).
 */
export function useDiscardGuard(unsaved: TouchedForm | (() => boolean), close: () => void): () => void {
  const { modal } = App.useApp();
  const { t } = useI18n();
  const asking = useRef(false);
  return () => {
    // a second Esc or click while the question is open does not ask twice
    if (asking.current) return;
    const dirty = typeof unsaved === 'function' ? unsaved() : unsaved.isFieldsTouched();
    if (!dirty) {
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
      onOk: () => close(),
      afterClose: () => {
        asking.current = false;
      },
    });
  };
}
