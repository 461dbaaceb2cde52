/** The scheduled jobs that run once per tenant (campaigns are sent by their own runner, src/modules/campaign/campaign-runner.ts). */
export enum JobName {
  POINTS_EXPIRY = 'POINTS_EXPIRY',
  TIER_REVIEW = 'TIER_REVIEW',
  LIFECYCLE_REFRESH = 'LIFECYCLE_REFRESH',
  RFM_REFRESH = 'RFM_REFRESH',
  CHURN_SCORE = 'CHURN_SCORE',
  SEGMENT_REFRESH = 'SEGMENT_REFRESH',
}

export const JOB_NAMES: readonly JobName[] = Object.values(JobName);
