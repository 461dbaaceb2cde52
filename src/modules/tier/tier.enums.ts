import { registerEnumType } from 'type-graphql';

/** What a member's growth value measures (over the programme's window, never the spendable balance). */
export enum TierBasis {
  /** Money paid minus refunds, in minor units. */
  NET_SPEND = 'NET_SPEND',
  /** Points earned minus points reversed. */
  POINTS_EARNED = 'POINTS_EARNED',
}

/** Why a member's tier changed. */
export enum TierChangeReason {
  /** The growth value crossed a higher tier's threshold. */
  THRESHOLD = 'THRESHOLD',
  /** The period ended and the growth value no longer held the tier. */
  REVIEW = 'REVIEW',
  /** Tiers were merged with another member's record. */
  MERGE = 'MERGE',
  /** The tier definitions changed (a tier was removed or its threshold moved). */
  PROGRAM_CHANGE = 'PROGRAM_CHANGE',
}

registerEnumType(TierBasis, {
  name: 'TierBasis',
  description: 'What a member’s growth value measures, over the programme’s window (never the spendable balance).',
  valuesConfig: {
    NET_SPEND: { description: 'Money paid minus refunds on purchases placed in the window, in minor units.' },
    POINTS_EARNED: { description: 'Points earned minus points reversed in the window.' },
  },
});
registerEnumType(TierChangeReason, {
  name: 'TierChangeReason',
  description: 'Why a member’s tier changed.',
  valuesConfig: {
    THRESHOLD: { description: 'The growth value crossed a higher tier’s threshold (upgrades happen at once).' },
    REVIEW: { description: 'The tier period ended and the review placed the member by the growth value of that day.' },
    MERGE: { description: 'Another member was merged into this one; the better tier was kept.' },
    PROGRAM_CHANGE: { description: 'The tier definitions changed: a tier was added, its threshold moved, or it was retired.' },
  },
});
