/**
 * What a benchmark must stop whatever happens: its steps run in reverse order, each bounded, a failure logged and the
 * rest still run; and the hub processes it started are killed should its own process die without the teardown (the
 * simulator's children and Chromium notice by themselves: their channels close).
 */
export class Teardown {
  private readonly steps: { what: string; run: () => Promise<void> | void }[] = [];
  private readonly pids = new Set<number>();

  constructor(private readonly log: (message: string) => void) {
    process.on('exit', () => {
      for (const pid of this.pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });
  }

  add(what: string, run: () => Promise<void> | void): void {
    this.steps.push({ what, run });
  }

  /** A child process that must not outlive this one. */
  killOnExit(pid: number): void {
    this.pids.add(pid);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await Promise.race([step.run(), new Promise((resolve) => setTimeout(resolve, 30_000))]);
      } catch (error) {
        this.log(`cleanup (${step.what}) failed: ${String(error)}`);
      }
    }
  }
}
