// Number and date formatting for display.

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

/** "2025-06-01" → "2025年6月1日" (西暦; 和暦 comes from the core where a form needs it). */
export function date(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** "2025-06-01T09:05:00" → "2025年6月1日 9:05" (a comment's or event's time). */
export function dateTime(stamp: string | null | undefined): string {
  if (!stamp) return "";
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})/.exec(stamp);
  if (!m) return date(stamp);
  return `${date(m[1])} ${Number(m[2])}:${m[3]}`;
}
