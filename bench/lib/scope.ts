/** A stack of cleanups, run newest first; each is bounded so a stuck one cannot hang the run. */
export class Scope {
  private readonly cleanups: { label: string; fn: () => Promise<void> | void }[] = [];

  defer(label: string, fn: () => Promise<void> | void): void {
    this.cleanups.push({ label, fn });
  }

  async close(log: (message: string) => void, perCleanupMs = 15_000): Promise<void> {
    for (let cleanup = this.cleanups.pop(); cleanup; cleanup = this.cleanups.pop()) {
      try {
        await withTimeout(Promise.resolve().then(cleanup.fn), perCleanupMs, `cleanup "${cleanup.label}"`);
      } catch (error) {
        log(`cleanup "${cleanup.label}" failed: ${(error as Error).message}`);
      }
    }
  }
}

export class TimeoutError extends Error {}

/** Rejects with a TimeoutError naming `label` when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${label} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
