import { DeadlockException } from '@mikro-orm/core';

/**
 * Runs a transaction again when PostgreSQL aborted it to break a deadlock or a serialization conflict
 * (MikroORM maps both to DeadlockException). The aborted attempt rolled back whole, so running it again
 * is safe; the pause is short and random so the two sides do not meet again in step.
 */
export async function retryTransient<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof DeadlockException) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 25 * attempt));
    }
  }
}
