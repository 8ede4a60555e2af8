// Forms with edits not saved yet, by name: a screen marks its form here while it differs from
// what is stored, and the frame asks before leaving it (App.svelte), so no edit is dropped
// without a word.
export const unsavedSections: Record<string, boolean> = $state({});

export function hasUnsaved(): boolean {
  return Object.values(unsavedSections).some(Boolean);
}

/** Forgets every unsaved mark: the clerk chose to leave without saving. */
export function discardUnsaved(): void {
  for (const key of Object.keys(unsavedSections)) unsavedSections[key] = false;
}
