import { registerEnumType } from 'type-graphql';

/**
 * Where a buyer stands by recency (R) and by FM, the mean of frequency and monetary scores rounded half up
 * (scores 1 to 5, quintiles over the tenant's buyers in the window):
 * CHAMPIONS R5 FM4-5; LOYAL R3-4 FM4-5; POTENTIAL_LOYALIST R4-5 FM2-3; NEW R5 FM1; PROMISING R4 FM1;
 * NEEDS_ATTENTION R3 FM3; ABOUT_TO_SLEEP R3 FM1-2; AT_RISK R1-2 FM3-4; CANNOT_LOSE R1-2 FM5;
 * HIBERNATING R2 FM1-2; LOST R1 FM1-2.
 */
export enum RfmGroup {
  CHAMPIONS = 'CHAMPIONS',
  LOYAL = 'LOYAL',
  POTENTIAL_LOYALIST = 'POTENTIAL_LOYALIST',
  NEW = 'NEW',
  PROMISING = 'PROMISING',
  NEEDS_ATTENTION = 'NEEDS_ATTENTION',
  ABOUT_TO_SLEEP = 'ABOUT_TO_SLEEP',
  AT_RISK = 'AT_RISK',
  CANNOT_LOSE = 'CANNOT_LOSE',
  HIBERNATING = 'HIBERNATING',
  LOST = 'LOST',
}

registerEnumType(RfmGroup, {
  name: 'RfmGroup',
  description: 'Where a buyer stands by recency and by the mean of frequency and monetary scores (see each value).',
  valuesConfig: {
    CHAMPIONS: { description: 'R 5, FM 4-5: bought recently, often and much.' },
    LOYAL: { description: 'R 3-4, FM 4-5.' },
    POTENTIAL_LOYALIST: { description: 'R 4-5, FM 2-3.' },
    NEW: { description: 'R 5, FM 1: a recent first purchase.' },
    PROMISING: { description: 'R 4, FM 1.' },
    NEEDS_ATTENTION: { description: 'R 3, FM 3.' },
    ABOUT_TO_SLEEP: { description: 'R 3, FM 1-2.' },
    AT_RISK: { description: 'R 1-2, FM 3-4: used to buy well, not lately.' },
    CANNOT_LOSE: { description: 'R 1-2, FM 5: the best buyers, gone quiet.' },
    HIBERNATING: { description: 'R 2, FM 1-2.' },
    LOST: { description: 'R 1, FM 1-2.' },
  },
});
