import type { ConsentChannel } from '../member/member.enums.js';
import type { DemoStore, Peak } from './demo-catalog.js';
import type { DemoIds, Random } from './demo-random.js';
import type { DemoRows } from './demo-rows.js';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** How a member buys: the rhythm their orders follow. */
export enum Rhythm {
  /** Registered, never bought. */
  NONE = 'NONE',
  ONE_TIME = 'ONE_TIME',
  OCCASIONAL = 'OCCASIONAL',
  REGULAR = 'REGULAR',
  LOYAL = 'LOYAL',
  /** Bought regularly, then stopped. */
  LAPSING = 'LAPSING',
  BIG_SPENDER = 'BIG_SPENDER',
}

export interface StoreRef extends DemoStore {
  id: string;
  index: number;
}

/** What every member of one run shares. */
export interface DemoContext {
  seed: number;
  tenantId: string;
  currency: string;
  ids: DemoIds;
  stores: StoreRef[];
  /** The two years of history: [start, end) in epoch ms. */
  start: number;
  end: number;
  peaks: Peak[];
  /** Marketing sends: before every peak, and a newsletter each quarter. */
  campaigns: { name: string; at: number }[];
  rows: DemoRows;
  /** Whether touchpoints are written. */
  activity: boolean;
}

/** One generated member: who they are and how they buy. */
export interface DemoMember {
  index: number;
  id: string;
  rng: Random;
  joinedAt: number;
  rhythm: Rhythm;
  /** Mean days between orders, and how steady (gamma shape; higher is steadier). */
  gapDays: number;
  steadiness: number;
  /** Chance to shop a sales peak. */
  promo: number;
  bigSpender: boolean;
  city: string;
  home: StoreRef;
  /** Online stores this member uses, besides the home store. */
  online: StoreRef[];
  categories: string[];
  /** When each consent channel was granted and, if so, withdrawn. */
  consents: Partial<Record<ConsentChannel, { from: number; until: number }>>;
  /** Where their lapse began, for LAPSING members; end of history otherwise. */
  activeUntil: number;
  /** Per-member sequences for ids. */
  seq: { touchpoint: number; order: number; item: number; refund: number };
}
