// Japanese labels for the few codes the core sends without a `*_label` beside them
// (Person's enums, desk codes in touchpoints, leaflet codes). The tables are the core's,
// generated into bindings.ts; only the lookup lives here. Pure presentation: no rule lives here.

export {
  cardLabel,
  conflictResolutionLabel,
  deskLabel,
  entryLabel,
  fedDeliveryLabel,
  leafletLabel,
  leafletTitle,
  legalRepLabel,
  reasonLabel,
  registrationLabel,
  registrationReasonLabel,
  relationshipLabel,
  schemeLabel,
  sexLabel,
} from "./bindings";

/** Looks a code up in a table, falling back to the code itself rather than showing nothing. */
export function label<K extends string>(table: Record<K, string>, code: string | null | undefined): string {
  if (code == null) return "";
  return (table as Record<string, string>)[code] ?? code;
}
