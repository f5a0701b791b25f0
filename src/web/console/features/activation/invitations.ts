import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import type { ActivationStatus } from '../../../../shared/api-activation.ts';
import type { BulkInvitationBody, InvitationSheetItem } from '../../../../shared/api-invitations.ts';

export type { InvitationSheetItem };
export { chinaDayOf, daysLeft } from './days.ts';

/** A link as a QR code, an SVG document of the qrcode package's making (drawn in the browser: the link never travels again). */
export function qrSvg(link: string): Promise<string> {
  return QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}

/** `<img src>` of an SVG document: images never run scripts, and the console's CSP allows data: images. */
export const svgDataUrl = (svg: string): string => `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;

/** The QR codes of some links, by link; links not drawn yet are missing. */
export function useQrCodes(links: readonly string[]): Map<string, string> {
  const [codes, setCodes] = useState<Map<string, string>>(() => new Map());
  const key = links.join('\n');
  useEffect(() => {
    let alive = true;
    const wanted = key ? key.split('\n') : [];
    void (async () => {
      const next = new Map<string, string>();
      for (const link of wanted) {
        next.set(link, svgDataUrl(await qrSvg(link)));
        if (!alive) return;
      }
      setCodes(next);
    })();
    return () => {
      alive = false;
    };
  }, [key]);
  return codes;
}

export const STATUS_COLORS: Record<ActivationStatus, string> = { active: 'green', invited: 'gold', none: 'default' };

/** At most this many members per call of the bulk endpoint (the server refuses more). */
export const SHEET_CHUNK = 500;

/**
 * Issues invitations for members (in calls of at most 500) or, without ids, for the unit's members
 * the server picks; answers the sheet's rows in order.
 */
export async function issueSheet(orgId: string, memberIds: string[] | null, only?: BulkInvitationBody['only']): Promise<InvitationSheetItem[]> {
  if (!memberIds) return (await endpoints.invitations.sheet({ orgId, ...(only ? { only } : {}) })).items;
  const items: InvitationSheetItem[] = [];
  for (let i = 0; i < memberIds.length; i += SHEET_CHUNK) {
    const chunk = memberIds.slice(i, i + SHEET_CHUNK);
    items.push(...(await endpoints.invitations.sheet({ orgId, memberIds: chunk, only: 'all' })).items);
  }
  return items;
}

/** The members of a unit's subtree not yet activated (none or invited), read page by page. */
export async function notActiveIds(orgId: string | undefined): Promise<{ orgId: string; orgName: string; ids: string[] }> {
  const ids: string[] = [];
  let root: { orgId: string; orgName: string } | null = null;
  for (const status of ['none', 'invited'] as const) {
    for (let page = 1; ; page++) {
      const part = await endpoints.activation.get({ ...(root ? { orgId: root.orgId } : orgId ? { orgId } : {}), status, page, pageSize: 200 });
      root ??= { orgId: part.orgId, orgName: part.orgName };
      ids.push(...part.members.map((m) => m.memberId));
      if (part.members.length < 200) break;
    }
  }
  return { orgId: root?.orgId ?? orgId ?? '', orgName: root?.orgName ?? '', ids };
}

