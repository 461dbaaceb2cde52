import type { Benchmark } from './lib/types.js';
import { membersNested } from './members-nested/members-nested.bench.js';

/** Every benchmark `npm run bench` knows, in the order they run. Add new ones here. */
export const BENCHMARKS: Benchmark[] = [membersNested];
