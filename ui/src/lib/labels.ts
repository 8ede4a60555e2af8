// Japanese labels for the few codes the core sends without a `*_label` beside them
// (Person's enums, desk codes in touchpoints, leaflet codes). Pure presentation: no rule lives here.

import type { CardKind, Desk, LegalRepKind, Leaflet, OptionalEntry, Reason, Registration, Scheme, Sex } from "./api";

export const sexLabel: Record<Sex, string> = {
  male: "男",
  female: "女",
  unstated: "記載なし",
};

export const schemeLabel: Record<Scheme, string> = {
  kokuho: "国民健康保険",
  kouki: "後期高齢者医療",
  kumiai: "国民健康保険組合",
  employee: "被用者保険",
  welfare: "生活保護",
  unknown: "不明",
};

export const cardLabel: Record<CardKind, string> = {
  none: "カードなし",
  card: "マイナンバーカード",
  face_auth: "顔認証マイナンバーカード",
  certificate_lapsed: "電子証明書の失効",
  returned: "カード返納",
};

export const registrationLabel: Record<Registration, string> = {
  registered: "登録済み",
  not_registered: "未登録",
  unknown: "不明",
  cancelled: "利用登録の解除",
  view_blocked: "閲覧不可設定",
};

export const reasonLabel: Record<Reason, string> = {
  elderly: "高齢",
  dementia: "認知症",
  physical: "身体障害",
  intellectual: "知的障害",
  mental: "精神障害",
  child: "児童",
  facility: "施設入所",
  pin: "暗証番号管理困難",
  lost_or_damaged: "紛失・破損",
  card_return: "カード返納 (予定を含む)",
  needs_companion: "介助者の同行が必要",
  certificate_lapsed: "電子証明書の失効",
  other: "その他",
};

export const legalRepLabel: Record<LegalRepKind, string> = {
  none: "なし",
  guardian: "成年後見人",
  parent: "親権者",
  minor_guardian: "未成年後見人",
  curator: "保佐人・補助人",
  voluntary_guardian: "任意後見人",
};

export const entryLabel: Record<OptionalEntry, string> = {
  limit_category: "限度額適用区分",
  specific_disease: "特定疾病区分",
};

export const deskLabel: Record<Desk, string> = {
  kokuho: "国民健康保険",
  kouki: "後期高齢者医療",
  kaigo: "介護保険",
  shogai: "障害福祉",
  jido: "児童福祉",
  houkatsu: "地域包括支援センター",
  kikan: "基幹相談支援センター",
};

export const leafletLabel: Record<Leaflet, string> = {
  bessou1: "別添1",
  bessou2: "別添2",
  bessou3: "別添3",
};

/** Looks a code up in a table, falling back to the code itself rather than showing nothing. */
export function label<K extends string>(table: Record<K, string>, code: string | null | undefined): string {
  if (code == null) return "";
  return (table as Record<string, string>)[code] ?? code;
}
