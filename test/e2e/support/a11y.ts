/**
 * Accessibility checks for a browser test: axe-core's WCAG 2 A/AA rules and best practices on the
 * page as it is now, plus our own tap-target rule for the phone (every visible control at least
 * 44×44 CSS px). `expectAccessible(page, what)` fails listing every offender.
 *
 * axe-core is put into the page with page.evaluate of its source: DevTools evaluation is not bound
 * by the app's Content-Security-Policy (script-src 'self'), so the page is tested under its real
 * headers, with no bypassCSP context that could hide a policy problem.
 */
/* oxlint-disable unicorn/consistent-function-scoping -- the helpers inside page.evaluate run in the page, where only what the evaluated function holds exists */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
let axeSource: string | null = null;

function axeScript(): string {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** The smallest tap target we accept, in CSS px (the member app is used by older members). */
export const MIN_TAP_TARGET = 44;

/**
 * axe's rule sets: WCAG 2.0/2.1/2.2 A and AA and the best practices. Rules left out, each for a
 * reason: `target-size` (WCAG 2.2's 24 px) is replaced by our stricter 44 px check below.
 */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const AXE_RULES_OFF = ['target-size'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

interface SmallTarget {
  what: string;
  width: number;
  height: number;
}

/** Runs axe-core on the page as it is now; answers the violations found. */
export async function axeViolations(page: Page, options: AccessibilityOptions = {}): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeScript());
  return page.evaluate(
    async ({ tags, off, on }) => {
      const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
      const rules = Object.fromEntries([...off.map((id) => [id, { enabled: false }]), ...on.map((id) => [id, { enabled: true }])]);
      const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, rules, resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String), failureSummary: n.failureSummary })),
      }));
    },
    { tags: AXE_TAGS, off: AXE_RULES_OFF, on: options.enhancedContrast ? ['color-contrast-enhanced'] : [] },
  );
}

/**
 * Visible buttons, links, inputs, selects, text areas, summaries, media controls and elements with
 * the role of a control, smaller than `min` CSS px either way.
 * A link inside running text is excepted (WCAG 2.5.8's inline exception). A checkbox, radio or
 * file input counts with its label: tapping the label works the control.
 */
export async function smallTapTargets(page: Page, min = MIN_TAP_TARGET): Promise<SmallTarget[]> {
  return page.evaluate((least) => {
    const describe = (el: Element): string => {
      const id = el.id ? `#${el.id}` : '';
      const testId = el.getAttribute('data-testid');
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      const text = (el.getAttribute('aria-label') ?? (el as HTMLElement).innerText ?? (el as HTMLInputElement).value ?? '').trim().replace(/\s+/g, ' ').slice(0, 30);
      return `${el.tagName.toLowerCase()}${id}${cls}${testId ? `[data-testid=${testId}]` : ''}${text ? ` "${text}"` : ''}`;
    };
    const visible = (el: Element): boolean => {
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') return false;
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && el.getClientRects().length > 0;
    };
    /** A link in a sentence: displayed inline, in a block with more text than the link's own. */
    const inlineInText = (el: Element): boolean => {
      if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
      let block: Element | null = el.parentElement;
      while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
      const own = (el.textContent ?? '').trim().length;
      const around = (block?.textContent ?? '').trim().length;
      return around > own;
    };
    const labelsOf = (el: Element): Element[] => {
      const input = el as HTMLInputElement;
      return input.labels ? Array.from(input.labels) : [];
    };
    const selector =
      'button, a[href], input:not([type=hidden]), select, textarea, summary, audio[controls], video[controls], ' +
      '[role=button], [role=link], [role=switch], [role=checkbox], [role=radio], [role=tab], [role=menuitem]';
    const small: SmallTarget[] = [];
    for (const el of Array.from(document.querySelectorAll(selector))) {
      if (inlineInText(el)) continue;
      const type = (el as HTMLInputElement).type;
      const boxes = [el, ...(el.tagName === 'INPUT' && ['checkbox', 'radio', 'file'].includes(type) ? labelsOf(el) : [])]
        .filter(visible)
        .map((e) => e.getBoundingClientRect());
      if (boxes.length === 0) continue;
      const width = Math.max(...boxes.map((b) => b.width));
      const height = Math.max(...boxes.map((b) => b.height));
      // half a pixel of rounding (a 44 px box can measure 43.99)
      if (width + 0.5 < least || height + 0.5 < least) small.push({ what: describe(el), width: Math.round(width * 10) / 10, height: Math.round(height * 10) / 10 });
    }
    return small;
  }, min);
}

/**
 * WCAG 1.4.10 (reflow): nothing makes the page wider than the screen, so a member never scrolls
 * sideways to read a line. Answers the page's width when it is wider, else null.
 */
export async function sidewaysScroll(page: Page): Promise<{ page: number; screen: number } | null> {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth }));
  return widths.page > widths.screen ? widths : null;
}

/**
 * WCAG 2.4.7 (focus visible): tabs through the page as a keyboard (or a switch device) would and
 * answers the controls that look the same focused as not (outline, shadow, border, background and
 * text colour compared). Focus is taken off the page at the end.
 */
export async function invisibleFocus(page: Page, maxSteps = 80): Promise<string[]> {
  // The look of an element, written in each page function (a page function carries nothing else).
  await page.evaluate(() => {
    (window as unknown as { lianxinFocusSeen?: Map<Element, string> }).lianxinFocusSeen = new Map();
    (document.activeElement as HTMLElement | null)?.blur();
  });
  for (let step = 0; step < maxSteps; step++) {
    await page.keyboard.press('Tab');
    const more = await page.evaluate(() => {
      const look = (el: Element): string => {
        const c = getComputedStyle(el);
        return [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderColor, c.borderWidth, c.backgroundColor, c.color, c.textDecorationLine].join('|');
      };
      const seen = (window as unknown as { lianxinFocusSeen: Map<Element, string> }).lianxinFocusSeen;
      const el = document.activeElement;
      if (!el || el === document.body || seen.has(el)) return false;
      seen.set(el, look(el));
      return true;
    });
    if (!more) break;
  }
  return page.evaluate(() => {
    const look = (el: Element): string => {
      const c = getComputedStyle(el);
      return [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderColor, c.borderWidth, c.backgroundColor, c.color, c.textDecorationLine].join('|');
    };
    const w = window as unknown as { lianxinFocusSeen?: Map<Element, string> };
    const seen = w.lianxinFocusSeen ?? new Map<Element, string>();
    delete w.lianxinFocusSeen;
    (document.activeElement as HTMLElement | null)?.blur();
    const same: string[] = [];
    for (const [el, focused] of seen) {
      // a media element's own controls draw their focus ring inside it, out of reach of styles
      if (!el.isConnected || el instanceof HTMLMediaElement || look(el) !== focused) continue;
      const text = ((el as HTMLElement).innerText || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 30);
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      same.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}${text ? ` "${text}"` : ''}`);
    }
    return same;
  });
}

export interface AccessibilityOptions {
  /**
   * Also axe's enhanced contrast rule (WCAG AAA 1.4.6: 7:1, 4.5:1 for large text), for 长辈模式's
   * stronger contrast.
   */
  enhancedContrast?: boolean;
}

/** The problems found on the page now, one line each (empty when none). */
export async function accessibilityProblems(page: Page, options: AccessibilityOptions = {}): Promise<string[]> {
  const lines: string[] = [];
  for (const v of await axeViolations(page, options)) {
    for (const n of v.nodes) {
      lines.push(`axe ${v.id} (${v.impact ?? '-'}): ${n.target.join(' ')} — ${v.help}; ${n.failureSummary.replace(/\s+/g, ' ').trim()}`);
    }
  }
  for (const s of await smallTapTargets(page)) lines.push(`tap target ${s.width}×${s.height} px < ${MIN_TAP_TARGET}: ${s.what}`);
  for (const what of await invisibleFocus(page)) lines.push(`focus not visible: ${what} looks the same focused by the keyboard`);
  const wide = await sidewaysScroll(page);
  if (wide) lines.push(`reflow: the page is ${wide.page} px wide on a ${wide.screen} px screen (it scrolls sideways)`);
  return lines;
}

/** Fails when axe-core or the tap-target rule finds anything on the page; `what` names the screen. */
export async function expectAccessible(page: Page, what: string, options: AccessibilityOptions = {}): Promise<void> {
  const problems = await accessibilityProblems(page, options);
  expect(problems, `${what}: ${problems.length} accessibility problem(s)\n  ${problems.join('\n  ')}`).toEqual([]);
}
