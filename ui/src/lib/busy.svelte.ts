// The busy state of a screen's steps (a save, a step on a referral, an import): while one runs,
// `busy.on` disables the screen's buttons and another press does nothing; a refusal goes to the
// screen's own handler, which shows it where that form does (by field, by row or in one line).
// Every screen that calls the core for a step uses this instead of its own busy/try/finally.

export class Busy {
  on = $state(false);

  /** Runs `step` unless a step is running; a refusal (thrown) is handed to `refused`. */
  async run(step: () => Promise<void>, refused: (err: unknown) => void | Promise<void>): Promise<void> {
    if (this.on) return;
    this.on = true;
    try {
      await step();
    } catch (err) {
      await refused(err);
    } finally {
      this.on = false;
    }
  }
}
