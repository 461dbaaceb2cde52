import { registerEnumType } from 'type-graphql';

/** How likely a buyer is not to order again within the tenant's horizon. */
export enum ChurnBand {
  /** Score below 0.5. */
  LOW = 'LOW',
  /** Score from 0.5 (for the rhythm model: overdue by the lifecycle AT_RISK factor) to below 0.7. */
  MEDIUM = 'MEDIUM',
  /** Score 0.7 or more. */
  HIGH = 'HIGH',
}

/** Which model produced a score. */
export enum ChurnModelKind {
  /** Days since the last order against the member's expected interval; works from the first buyer. */
  RHYTHM = 'RHYTHM',
  /** BG/NBD (Fader, Hardie and Lee, 2005) fitted to the tenant's buyers by maximum likelihood. */
  BG_NBD = 'BG_NBD',
}

/** Which way a score crossed a threshold. */
export enum CrossingDirection {
  /** Rose to or above the threshold. */
  UP = 'UP',
  /** Fell below the threshold minus the hysteresis margin. */
  DOWN = 'DOWN',
}

/** What moved a score; contributions are in log-odds and add up to logit(score). */
export enum ChurnDriverName {
  /** Rhythm model: days since the last order against the expected interval (0 exactly at the lifecycle AT_RISK point). */
  OVERDUE = 'OVERDUE',
  /** BG/NBD: the model's log-odds of no order within the horizon. */
  PURCHASE_PATTERN = 'PURCHASE_PATTERN',
  /** Views, searches, inquiries, store visits, message opens and clicks in the last 30 days (lowers risk). */
  ENGAGEMENT = 'ENGAGEMENT',
  /** Refunds in the last 180 days. */
  REFUNDS = 'REFUNDS',
  /** Complaints in the last 180 days. */
  COMPLAINTS = 'COMPLAINTS',
}

export const BAND_MEDIUM = 0.5;
export const BAND_HIGH = 0.7;

export function bandOf(score: number): ChurnBand {
  return score >= BAND_HIGH ? ChurnBand.HIGH : score >= BAND_MEDIUM ? ChurnBand.MEDIUM : ChurnBand.LOW;
}

registerEnumType(ChurnBand, { name: 'ChurnBand', description: 'How likely a buyer is not to order again within the horizon: LOW < 0.5 <= MEDIUM < 0.7 <= HIGH.' });
registerEnumType(ChurnModelKind, { name: 'ChurnModelKind', description: 'Which model produced a churn score.' });
registerEnumType(CrossingDirection, { name: 'CrossingDirection', description: 'Which way a churn score crossed a threshold.' });
registerEnumType(ChurnDriverName, { name: 'ChurnDriverName', description: 'What moved a churn score; contributions are log-odds that add up to logit(score).' });
