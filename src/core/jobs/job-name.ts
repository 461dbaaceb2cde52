/** The scheduled jobs that run once per tenant. Later issues add CAMPAIGN_SEND. */
export enum JobName {
  POINTS_EXPIRY = 'POINTS_EXPIRY',
  TIER_REVIEW = 'TIER_REVIEW',
  LIFECYCLE_REFRESH = 'LIFECYCLE_REFRESH',
  RFM_REFRESH = 'RFM_REFRESH',
  CHURN_SCORE = 'CHURN_SCORE',
  SEGMENT_REFRESH = 'SEGMENT_REFRESH',
}

export const JOB_NAMES: readonly JobName[] = Object.values(JobName);
