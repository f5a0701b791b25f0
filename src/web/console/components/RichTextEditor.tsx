import { BoldOutlined, FontSizeOutlined, ItalicOutlined, LinkOutlined, PictureOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Button, Input, Modal, Progress, Space, Tooltip, Typography, theme } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { errorText } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { uploadStoredFile } from './learning.tsx';

interface Props {
  id?: string;
  value?: string | null;
  onChange?: (html: string) => void;
  /** for tests: the editable area gets `${testId}`, the toolbar buttons `${testId}-<command>` */
  testId?: string;
  minHeight?: number;
}

const QuoteIcon = () => (
  <span aria-hidden style={{ fontWeight: 700, fontFamily: 'Georgia, serif' }}>
    “
  </span>
);

/**
 * A small article editor on contentEditable: headings, bold, italic, lists, quotes, links and images
 * (uploaded to the study library's storage). The server sanitizes the HTML on save and when served,
 * so this editor only needs to produce plain, well-formed markup.
 */
export function RichTextEditor({ id, value, onChange, testId = 'rich-editor', minHeight = 280 }: Props) {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const ref = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkUrl, setLinkUrl] = useState('https://');
  const [uploading, setUploading] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // Only write the DOM when the value changed from outside (typing must not reset the caret).
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const next = value ?? '';
    if (el.innerHTML !== next) el.innerHTML = next;
  }, [value]);

  const emit = () => {
    const el = ref.current;
    if (!el) return;
    const html = el.innerHTML === '<br>' ? '' : el.innerHTML;
    onChange?.(html);
  };

  const saveSelection = () => {
    const sel = window.getSelection();
    const el = ref.current;
    if (sel && sel.rangeCount > 0 && el && el.contains(sel.getRangeAt(0).commonAncestorContainer)) saved.current = sel.getRangeAt(0).cloneRange();
  };

  const restoreSelection = () => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    const sel = window.getSelection();
    if (!sel) return;
    sel.removeAllRanges();
    if (saved.current) sel.addRange(saved.current);
    else {
      const r = document.createRange();
      r.selectNodeContents(el);
      r.collapse(false);
      sel.addRange(r);
    }
  };

  const exec = (command: string, arg?: string) => {
    restoreSelection();
    // execCommand is deprecated but still the one editing API every browser implements for contentEditable
    document.execCommand(command, false, arg);
    saveSelection();
    emit();
  };

  const toggleBlock = (tag: 'h3' | 'blockquote') => {
    restoreSelection();
    const current = String(document.queryCommandValue('formatBlock') || '').toLowerCase();
    document.execCommand('formatBlock', false, current === tag ? 'p' : tag);
    saveSelection();
    emit();
  };

  const insertLink = () => {
    const url = linkUrl.trim();
    setLinkOpen(false);
    if (!/^https?:\/\/\S+$/i.test(url)) return;
    restoreSelection();
    const sel = window.getSelection();
    if (sel && sel.isCollapsed) {
      const a = `<a href="${escapeAttr(url)}" target="_blank" rel="noopener">${escapeText(url)}</a>`;
      document.execCommand('insertHTML', false, a);
    } else document.execCommand('createLink', false, url);
    saveSelection();
    emit();
  };

  const insertImage = async (file: File) => {
    setUploadError(null);
    if (!file.type.startsWith('image/')) {
      setUploadError(t('editor.imageOnly'));
      return;
    }
    setUploading(0);
    try {
      const [stored, size] = await Promise.all([uploadStoredFile('study', file, setUploading), measureImage(file)]);
      restoreSelection();
      // width and height let a phone keep the image's place while it loads on a weak signal
      const dims = size ? ` width="${size.width}" height="${size.height}"` : '';
      document.execCommand('insertHTML', false, `<img src="/api/files/${encodeURIComponent(stored.id)}" alt="${escapeAttr(file.name)}"${dims}>`);
      saveSelection();
      emit();
    } catch (e) {
      setUploadError(errorText(e, t('upload.failed'), t('error.network')));
    } finally {
      setUploading(null);
    }
  };

  const tool = (key: string, label: string, icon: ReactNode, run: () => void) => (
    <Tooltip title={label} key={key}>
      <Button
        size="small"
        type="text"
        icon={icon}
        aria-label={label}
        data-testid={`${testId}-${key}`}
        // keep the selection in the editor: a toolbar click must not blur it
        onMouseDown={(e) => e.preventDefault()}
        onClick={run}
      />
    </Tooltip>
  );

  return (
    <div style={{ border: `1px solid ${token.colorBorder}`, borderRadius: token.borderRadius, background: token.colorBgContainer }}>
      <div role="toolbar" aria-label={t('editor.toolbar')} style={{ display: 'flex', gap: 2, padding: 4, borderBottom: `1px solid ${token.colorBorderSecondary}`, flexWrap: 'wrap' }}>
        {tool('heading', t('editor.heading'), <FontSizeOutlined aria-hidden />, () => toggleBlock('h3'))}
        {tool('bold', t('editor.bold'), <BoldOutlined aria-hidden />, () => exec('bold'))}
        {tool('italic', t('editor.italic'), <ItalicOutlined aria-hidden />, () => exec('italic'))}
        {tool('list', t('editor.list'), <UnorderedListOutlined aria-hidden />, () => exec('insertUnorderedList'))}
        {tool('quote', t('editor.quote'), <QuoteIcon />, () => toggleBlock('blockquote'))}
        {tool('link', t('editor.link'), <LinkOutlined aria-hidden />, () => {
          saveSelection();
          setLinkUrl('https://');
          setLinkOpen(true);
        })}
        {tool('image', t('editor.image'), <PictureOutlined aria-hidden />, () => {
          saveSelection();
          fileInput.current?.click();
        })}
        <input
          ref={fileInput}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          style={{ display: 'none' }}
          data-testid={`${testId}-image-input`}
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void insertImage(f);
          }}
        />
      </div>
      {uploading !== null && (
        <div style={{ padding: '4px 8px' }}>
          <Progress percent={uploading} size="small" status="active" aria-label={t('upload.progress')} />
        </div>
      )}
      {uploadError && (
        <div style={{ padding: '4px 8px' }}>
          <Typography.Text type="danger">{uploadError}</Typography.Text>
        </div>
      )}
      <div
        id={id}
        ref={ref}
        className="lx-rich-editor"
        contentEditable
        suppressContentEditableWarning
        role="textbox"
        aria-multiline="true"
        aria-label={t('editor.body')}
        data-testid={testId}
        onInput={emit}
        // new paragraphs as <p>, not <div>: what the sanitizer and the member app's reader expect
        onFocus={() => document.execCommand('defaultParagraphSeparator', false, 'p')}
        onBlur={() => {
          saveSelection();
          emit();
        }}
        onKeyUp={saveSelection}
        onMouseUp={saveSelection}
        style={{ minHeight, padding: '8px 12px', outline: 'none', lineHeight: 1.8, overflowWrap: 'anywhere' }}
      />
      <style>{`.lx-rich-editor img{max-width:100%;height:auto}.lx-rich-editor blockquote{margin:8px 0;padding:4px 12px;border-inline-start:3px solid ${token.colorBorder};color:${token.colorTextSecondary}}.lx-rich-editor h3{font-size:18px;margin:12px 0 6px}.lx-rich-editor p{margin:0 0 8px}`}</style>
      <Modal
        title={t('editor.link')}
        open={linkOpen}
        onOk={insertLink}
        onCancel={() => setLinkOpen(false)}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Input aria-label={t('editor.linkUrl')} data-testid={`${testId}-link-url`} value={linkUrl} onChange={(e) => setLinkUrl(e.target.value)} onPressEnter={insertLink} autoFocus />
          <Typography.Text type="secondary">{t('editor.linkHint')}</Typography.Text>
        </Space>
      </Modal>
    </div>
  );
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The image's own size in pixels, or null when the browser cannot decode it (the upload still goes on). */
function measureImage(file: File): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    const done = (size: { width: number; height: number } | null) => {
      URL.revokeObjectURL(url);
      resolve(size);
    };
    img.onload = () => done(img.naturalWidth > 0 && img.naturalWidth < 10_000 && img.naturalHeight < 10_000 ? { width: img.naturalWidth, height: img.naturalHeight } : null);
    img.onerror = () => done(null);
    img.src = url;
  });
}
