import type { RootFieldRule } from '../role-rules';
import { POINTS_RULES } from './points';
import { TIER_RULES } from './tier';
import { JOB_RULES } from './job';
import { COUPON_RULES } from './coupon';
import { CARD_RULES } from './card';
import { SEGMENT_RULES } from './segment';
import { CHURN_RULES } from './churn';
import { CAMPAIGN_RULES } from './campaign';

/** Role rows of the modules that keep them beside their tests; access-roles.test.ts runs them all. */
export const MODULE_RULES: RootFieldRule[] = [...POINTS_RULES, ...TIER_RULES, ...JOB_RULES, ...COUPON_RULES, ...CARD_RULES, ...SEGMENT_RULES, ...CHURN_RULES, ...CAMPAIGN_RULES];

/**
 * Mutations that take ids whose cross-tenant refusal is tested in a module's own test file (named here)
 * rather than in tenancy.test.ts's table; the table's guard accepts them.
 */
export const TENANCY_COVERED_ELSEWHERE: Record<string, string> = {
  tierUpdate: 'test/tier.test.ts',
  tierRetire: 'test/tier.test.ts',
  // Takes no ids; tier.test.ts shows a tenant's tiers stay its own.
  tierCreate: 'test/tier.test.ts',
  // Takes no ids; jobs.test.ts shows a tenant only runs and sees its own jobs.
  jobRun: 'test/jobs.test.ts',
  couponIssue: 'test/coupon.test.ts',
  couponTemplateUpdate: 'test/coupon.test.ts',
  couponVoid: 'test/coupon.test.ts',
  couponRedeem: 'test/coupon.test.ts',
  // Takes no ids; coupon.test.ts shows another tenant's templates answer like missing ones.
  couponTemplateCreate: 'test/coupon.test.ts',
  segmentUpdate: 'test/segment.test.ts',
  segmentDelete: 'test/segment.test.ts',
  segmentRefresh: 'test/segment.test.ts',
  segmentMembersAdd: 'test/segment.test.ts',
  segmentMembersRemove: 'test/segment.test.ts',
  segmentMembersImport: 'test/segment.test.ts',
  // Takes no ids; segment.test.ts shows a tenant's segments, previews and memberships stay its own.
  segmentCreate: 'test/segment.test.ts',
  campaignUpdate: 'test/campaign.test.ts',
  campaignLaunch: 'test/campaign.test.ts',
  campaignPause: 'test/campaign.test.ts',
  campaignResume: 'test/campaign.test.ts',
  campaignCancel: 'test/campaign.test.ts',
  // Take no ids of other objects except segments and coupon templates; campaign.test.ts shows foreign ones are refused.
  campaignCreate: 'test/campaign.test.ts',
  campaignSettingsUpdate: 'test/campaign.test.ts',
  messageChannelConfigure: 'test/campaign.test.ts',
};
