import { DatePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import type { CSSProperties, FocusEvent } from 'react';

dayjs.extend(customParseFormat);

const FORMAT = 'YYYY-MM-DD';

interface Props {
  id?: string;
  value?: Dayjs | null;
  onChange?: (value: Dayjs | null) => void;
  disabledDate?: (d: Dayjs) => boolean;
  style?: CSSProperties;
  'data-testid'?: string;
}

/**
 * A day picker (YYYY-MM-DD) that also keeps a day typed into the box when the focus moves on — say,
 * straight to the save button. antd's picker takes a typed day only on Enter and drops it on blur.
 * A typed day that is not allowed empties the field, so the form's own rule asks for a day.
 */
export function DayPicker({ id, value, onChange, disabledDate, style, 'data-testid': testId }: Props) {
  const keepTyped = (e: FocusEvent<HTMLElement>) => {
    const text = e.target instanceof HTMLInputElement ? e.target.value.trim() : '';
    if (!text || text === value?.format(FORMAT)) return;
    const typed = dayjs(text, FORMAT, true);
    // a day that cannot be chosen empties the field, so the form asks again instead of saving the old day
    onChange?.(typed.isValid() && !disabledDate?.(typed) ? typed : null);
  };
  return (
    <DatePicker
      id={id}
      value={value ?? null}
      onChange={(d) => onChange?.(d)}
      onBlur={keepTyped}
      format={FORMAT}
      allowClear={false}
      {...(disabledDate ? { disabledDate } : {})}
      style={style}
      data-testid={testId}
    />
  );
}
