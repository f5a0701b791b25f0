import { BoldOutlined, FontSizeOutlined, ItalicOutlined, LinkOutlined, PictureOutlined, UnorderedListOutlined } from '@ant-design/icons';
import Image from '@tiptap/extension-image';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
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
  /** the upload purpose of inserted images ('study' for the library, 'news' for news items) */
  imagePurpose?: 'study' | 'news';
}

const QuoteIcon = () => (
  <span aria-hidden style={{ fontWeight: 700, fontFamily: 'Georgia, serif' }}>
    “
  </span>
);

/** What the toolbar's link dialog accepts: an http(s) address and nothing else. */
const LINK_URL = /^https?:\/\/\S+$/i;
/** Links kept when an article is loaded: the schemes the server's sanitizer lets through. */
const STORED_LINK = /^(https?:\/\/\S+|mailto:\S+|tel:\S+)$/i;

/**
 * A small article editor on Tiptap (ProseMirror): headings, bold, italic, lists, quotes, links and
 * images (uploaded to the study library's storage). Only what the server's sanitizer
 * (`server/modules/library/sanitize.ts`) keeps is offered: no code, code blocks or h1; headings
 * h2–h4 are read back from stored articles, the toolbar makes h3. The server sanitizes the HTML
 * on save and when served; `toStoredHtml` keeps the markup as plain as the earlier editor's.
 */
export function RichTextEditor({ id, value, onChange, testId = 'rich-editor', minHeight = 280, imagePurpose = 'study' }: Props) {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkUrl, setLinkUrl] = useState('https://');
  const [uploading, setUploading] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // The editor's content as stored HTML, last sent up or loaded: a value equal to it is our own echo
  // and must not reset the caret, and an update that leaves it as it is (the editor tidying what it
  // loaded, say adding an empty paragraph after a closing image) is no edit.
  const current = useRef(value ?? '');

  const attributes = (): Record<string, string> => ({
    ...(id ? { id } : {}),
    class: 'lx-rich-editor',
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-label': t('editor.body'),
    'data-testid': testId,
  });

  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        code: false,
        codeBlock: false,
        heading: { levels: [2, 3, 4] },
        link: {
          openOnClick: false,
          autolink: false,
          linkOnPaste: false,
          HTMLAttributes: { target: '_blank', rel: 'noopener', class: null },
          isAllowedUri: (url) => STORED_LINK.test(url),
        },
      }),
      // inline, as the earlier editor placed images inside paragraphs
      Image.configure({ inline: true, allowBase64: false }),
    ],
    content: toEditorHtml(value ?? ''),
    editorProps: { attributes: attributes() },
    onCreate: ({ editor: e }) => {
      current.current = toStoredHtml(e);
    },
    onUpdate: ({ editor: e }) => {
      const html = toStoredHtml(e);
      if (html === current.current) return;
      current.current = html;
      onChange?.(html);
    },
  });

  // Only load the content when the value changed from outside (a form reset, another item).
  useEffect(() => {
    const next = value ?? '';
    if (!editor || next === current.current) return;
    editor.commands.setContent(toEditorHtml(next), { emitUpdate: false });
    current.current = toStoredHtml(editor);
  }, [value, editor]);

  // the language can change while the editor is open
  const bodyLabel = t('editor.body');
  useEffect(() => {
    editor?.setOptions({ editorProps: { attributes: attributes() } });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- attributes() reads exactly these
  }, [editor, bodyLabel, id, testId]);

  const active = useEditorState({
    editor,
    selector: ({ editor: e }) =>
      e
        ? {
            heading: e.isActive('heading', { level: 3 }),
            bold: e.isActive('bold'),
            italic: e.isActive('italic'),
            list: e.isActive('bulletList'),
            quote: e.isActive('blockquote'),
            link: e.isActive('link'),
          }
        : null,
  });

  const insertLink = () => {
    const url = linkUrl.trim();
    setLinkOpen(false);
    if (!editor || !LINK_URL.test(url)) return;
    const chain = editor.chain().focus();
    if (editor.state.selection.empty) chain.insertContent({ type: 'text', text: url, marks: [{ type: 'link', attrs: { href: url } }] }).run();
    else chain.extendMarkRange('link').setLink({ href: url }).run();
  };

  const insertImage = async (file: File) => {
    setUploadError(null);
    if (!file.type.startsWith('image/')) {
      setUploadError(t('editor.imageOnly'));
      return;
    }
    setUploading(0);
    try {
      const [stored, size] = await Promise.all([uploadStoredFile(imagePurpose, file, setUploading), measureImage(file)]);
      // width and height let a phone keep the image's place while it loads on a weak signal
      editor
        ?.chain()
        .focus()
        .setImage({ src: `/api/files/${encodeURIComponent(stored.id)}`, alt: file.name, ...size })
        .run();
    } catch (e) {
      setUploadError(errorText(e, t('upload.failed'), t('error.network')));
    } finally {
      setUploading(null);
    }
  };

  const tool = (key: keyof NonNullable<typeof active> | 'image', label: string, icon: ReactNode, run: (e: Editor) => void) => (
    <Tooltip title={label} key={key}>
      <Button
        size="small"
        type={key !== 'image' && active?.[key] ? 'link' : 'text'}
        icon={icon}
        aria-label={label}
        aria-pressed={key === 'image' ? undefined : !!active?.[key]}
        data-testid={`${testId}-${key}`}
        // keep the selection in the editor: a toolbar click must not blur it
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => editor && run(editor)}
      />
    </Tooltip>
  );

  return (
    <div style={{ border: `1px solid ${token.colorBorder}`, borderRadius: token.borderRadius, background: token.colorBgContainer }}>
      <div role="toolbar" aria-label={t('editor.toolbar')} style={{ display: 'flex', gap: 2, padding: 4, borderBottom: `1px solid ${token.colorBorderSecondary}`, flexWrap: 'wrap' }}>
        {tool('heading', t('editor.heading'), <FontSizeOutlined aria-hidden />, (e) => e.chain().focus().toggleHeading({ level: 3 }).run())}
        {tool('bold', t('editor.bold'), <BoldOutlined aria-hidden />, (e) => e.chain().focus().toggleBold().run())}
        {tool('italic', t('editor.italic'), <ItalicOutlined aria-hidden />, (e) => e.chain().focus().toggleItalic().run())}
        {tool('list', t('editor.list'), <UnorderedListOutlined aria-hidden />, (e) => e.chain().focus().toggleBulletList().run())}
        {tool('quote', t('editor.quote'), <QuoteIcon />, (e) => e.chain().focus().toggleBlockquote().run())}
        {tool('link', t('editor.link'), <LinkOutlined aria-hidden />, () => {
          setLinkUrl('https://');
          setLinkOpen(true);
        })}
        {tool('image', t('editor.image'), <PictureOutlined aria-hidden />, () => fileInput.current?.click())}
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
      <EditorContent editor={editor} />
      <style>{`.lx-rich-editor{min-height:${minHeight}px;padding:8px 12px;outline:none;line-height:1.8;overflow-wrap:anywhere}.lx-rich-editor img{max-width:100%;height:auto}.lx-rich-editor img.ProseMirror-selectednode{outline:2px solid ${token.colorPrimary}}.lx-rich-editor blockquote{margin:8px 0;padding:4px 12px;border-inline-start:3px solid ${token.colorBorder};color:${token.colorTextSecondary}}.lx-rich-editor h2{font-size:20px;margin:12px 0 6px}.lx-rich-editor h3{font-size:18px;margin:12px 0 6px}.lx-rich-editor h4{font-size:16px;margin:12px 0 6px}.lx-rich-editor p{margin:0 0 8px}.lx-rich-editor li p,.lx-rich-editor blockquote p{margin:0}.lx-rich-editor a{color:${token.colorLink}}`}</style>
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

/**
 * The editor's HTML as it is stored, in the shape the contentEditable editor used to send:
 * an empty document is '', a list item or a quote holding one paragraph holds its text directly,
 * an empty paragraph keeps its line as `<p><br></p>`, and the empty paragraph the editor keeps
 * after a closing quote or image (to type into) is not sent.
 */
function toStoredHtml(editor: Editor): string {
  if (editor.isEmpty) return '';
  const template = document.createElement('template');
  template.innerHTML = editor.getHTML();
  const root = template.content;
  for (const box of root.querySelectorAll('li, blockquote')) {
    const only = box.firstElementChild;
    if (box.childNodes.length === 1 && only?.tagName === 'P') only.replaceWith(...only.childNodes);
  }
  while (root.lastChild instanceof HTMLParagraphElement && !root.lastChild.hasChildNodes() && root.childNodes.length > 1) root.lastChild.remove();
  for (const p of root.querySelectorAll('p')) if (!p.hasChildNodes()) p.append(document.createElement('br'));
  return template.innerHTML;
}

/** Stored HTML for the editor: `<p><br></p>` is an empty paragraph, not one holding a line break. */
function toEditorHtml(html: string): string {
  return html.replace(/<p><br\s*\/?><\/p>/gi, '<p></p>');
}

/** The image's own size in pixels, or null when the browser cannot decode it (the upload still goes on). */
function measureImage(file: File): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const img = new window.Image();
    const done = (size: { width: number; height: number } | null) => {
      URL.revokeObjectURL(url);
      resolve(size);
    };
    img.onload = () => done(img.naturalWidth > 0 && img.naturalWidth < 10_000 && img.naturalHeight < 10_000 ? { width: img.naturalWidth, height: img.naturalHeight } : null);
    img.onerror = () => done(null);
    img.src = url;
  });
}
