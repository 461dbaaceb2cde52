import { campaigns } from './campaigns/campaigns.bench.js';
import { churn } from './churn/churn.bench.js';
import type { Benchmark } from './lib/types.js';
import { memberMerge } from './member-merge/member-merge.bench.js';
import { membersNested } from './members-nested/members-nested.bench.js';
import { pointsEarn } from './points-earn/points-earn.bench.js';
import { segments } from './segments/segments.bench.js';
import { touchpointIngest } from './touchpoint-ingest/touchpoint-ingest.bench.js';

/** Every benchmark `npm run bench` knows, in the order they run. Add new ones here. */
export const BENCHMARKS: Benchmark[] = [membersNested, touchpointIngest, memberMerge, pointsEarn, segments, churn, campaigns];
