// Number and date formatting for display.

import type { EraStart } from "./bindings";

/**
 * Shown where a field has no value. A full-width hyphen, not an em dash: WebKitGTK drops the
 * em dash of BIZ UDPGothic at 16 px (seen under Xvfb), leaving an empty cell.
 */
export const NONE = "－";

const numberFormat = new Intl.NumberFormat("ja-JP");

/** 2000 → "2,000" */
export function count(n: number): string {
  return numberFormat.format(n);
}

// The eras come from the core with the frame (hairyo::frame::AppState), so the window shows
// dates exactly as the printed forms do without an era table of its own.
let eras: EraStart[] = [];

/** Takes the era table the core sent with the frame; called whenever the frame is loaded. */
export function useEras(table: EraStart[]) {
  eras = [...table].sort((a, b) => a.start.localeCompare(b.start));
}

function parts(iso: string | null | undefined): [number, number, number, string] | null {
  if (!iso) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3]), `${m[1]}-${m[2]}-${m[3]}`];
}

/** "2025-06-01" → "2025年6月1日" (西暦, shown on hover beside the 和暦). */
export function seireki(iso: string | null | undefined): string {
  const p = parts(iso);
  if (!p) return iso ?? "";
  return `${p[0]}年${p[1]}月${p[2]}日`;
}

/**
 * "2025-06-01" → "令和7年6月1日": the 和暦 of the forms, with 元年 for an era's first year.
 * Falls back to the 西暦 before the frame has brought the era table.
 */
export function date(iso: string | null | undefined): string {
  const p = parts(iso);
  if (!p) return iso ?? "";
  const era = eras.filter((e) => e.start <= p[3]).pop();
  if (!era) return seireki(iso);
  const year = p[0] - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${year === 1 ? "元" : year}年${p[1]}月${p[2]}日`;
}

/** "2025-06-01T09:05:00" → "令和7年6月1日 9:05" (a comment's or event's time). */
export function dateTime(stamp: string | null | undefined): string {
  if (!stamp) return "";
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})/.exec(stamp);
  if (!m) return date(stamp);
  return `${date(m[1])} ${Number(m[2])}:${m[3]}`;
}

/** The 西暦 of a stamp, for the hover text: "2025年6月1日 9:05". */
export function seirekiTime(stamp: string | null | undefined): string {
  if (!stamp) return "";
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})/.exec(stamp);
  if (!m) return seireki(stamp);
  return `${seireki(m[1])} ${Number(m[2])}:${m[3]}`;
}

/** Today on this PC as the core reads dates: "2026-12-01". */
export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
