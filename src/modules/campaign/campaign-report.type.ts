import { connectionOf } from '../../core/relay/connection.js';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MoneyScalar, type MoneyValue } from '../../core/graphql/scalars.js';
import { SuppressionReason } from './campaign.enums.js';
import type { CampaignArmReport, CampaignReport, SuppressedCount, VersusControl } from './campaign-report.js';

@ObjectType('CampaignVersusControl', {
  simpleResolvers: true,
  description:
    'An arm against the control group. Intervals are 95% normal-approximation intervals of independent samples; they are unreliable with few deliveries or conversions.',
})
export class CampaignVersusControlNode {
  @Field(() => Float, { description: "Conversion rate minus the control's, in percentage points." })
  uplift!: number;

  @Field(() => Float, { description: 'Lower bound of the 95% interval of uplift, in percentage points.' })
  upliftLow!: number;

  @Field(() => Float, { description: 'Upper bound of the 95% interval of uplift, in percentage points.' })
  upliftHigh!: number;

  @Field(() => Float, { description: "Conversions the campaign caused: (conversion rate - control's) x deliveries of the arm." })
  incrementalConversions!: number;

  @Field(() => Float, { description: 'Lower bound of the 95% interval of incrementalConversions.' })
  incrementalConversionsLow!: number;

  @Field(() => Float, { description: 'Upper bound of the 95% interval of incrementalConversions.' })
  incrementalConversionsHigh!: number;

  @Field(() => Float, { description: "Revenue the campaign caused, in minor units: (revenue per delivery - control's) x deliveries of the arm." })
  incrementalRevenue!: number;

  @Field(() => Float, { description: 'Lower bound of the 95% interval of incrementalRevenue, in minor units.' })
  incrementalRevenueLow!: number;

  @Field(() => Float, { description: 'Upper bound of the 95% interval of incrementalRevenue, in minor units.' })
  incrementalRevenueHigh!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Return on what the arm cost: (incrementalRevenue - rewardCost - sendCost) / (rewardCost + sendCost); null when it cost nothing.',
  })
  roi!: number | null;

  static from(figures: VersusControl): CampaignVersusControlNode {
    return Object.assign(new CampaignVersusControlNode(), figures);
  }
}

@ObjectType('CampaignArmReport', {
  simpleResolvers: true,
  description:
    'Outcomes of one group of a campaign. The unit is a delivery: a member reached on several occurrences counts once per occurrence. A delivery stays in its group whatever became of it (intent to treat).',
})
export class CampaignArmReportNode {
  @Field({ description: 'TREATMENT (every variant), CONTROL (the held-out group) or a variant key.' })
  arm!: string;

  @Field(() => Int, { description: 'Deliveries planned in the group.' })
  units!: number;

  @Field(() => Int, { description: 'Deliveries SENT.' })
  reached!: number;

  @Field(() => Float, { nullable: true, description: 'reached / units; null without deliveries.' })
  reachRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Deliveries with an open (a MESSAGE_OPENED touchpoint naming them) / reached; null when none was reached.' })
  openRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Deliveries with a click (a MESSAGE_CLICKED touchpoint naming them) / reached; null when none was reached.' })
  clickRate!: number | null;

  @Field(() => Int, { description: 'Deliveries whose member placed a purchase (PAID or PARTIALLY_REFUNDED) within attributionDays of the delivery being planned.' })
  conversions!: number;

  @Field(() => Float, { nullable: true, description: 'conversions / units; null without deliveries.' })
  conversionRate!: number | null;

  @Field(() => Int, { description: 'Purchases within the deliveries’ windows (one in two windows of a member counts twice).' })
  orders!: number;

  @Field(() => MoneyScalar, { description: 'Those purchases net of refunds.' })
  revenue!: MoneyValue;

  @Field(() => Float, { nullable: true, description: 'revenue / units in minor units, deliveries without a purchase included; null without deliveries.' })
  revenuePerMember!: number | null;

  @Field(() => Float, { nullable: true, description: 'Among deliveries to members who had bought before, the share that converted; null when there were none.' })
  repurchaseRate!: number | null;

  @Field(() => MoneyScalar, { description: 'Discounts of the redeemed coupons the deliveries issued plus the money value of the points they credited.' })
  rewardCost!: MoneyValue;

  @Field(() => MoneyScalar, { description: 'What sending the deliveries cost.' })
  sendCost!: MoneyValue;

  @Field(() => CampaignVersusControlNode, { nullable: true, description: 'Against the control group; null for the control itself, or when either group has no delivery.' })
  versusControl!: CampaignVersusControlNode | null;

  static from(report: CampaignArmReport, currency: string): CampaignArmReportNode {
    const money = (amount: number): MoneyValue => ({ amount, currency });
    return Object.assign(new CampaignArmReportNode(), {
      arm: report.arm,
      units: report.units,
      reached: report.reached,
      reachRate: report.reachRate,
      openRate: report.openRate,
      clickRate: report.clickRate,
      conversions: report.conversions,
      conversionRate: report.conversionRate,
      orders: report.orders,
      revenue: money(report.revenue),
      revenuePerMember: report.revenuePerMember,
      repurchaseRate: report.repurchaseRate,
      rewardCost: money(report.rewardCost),
      sendCost: money(report.sendCost),
      versusControl: report.versusControl ? CampaignVersusControlNode.from(report.versusControl) : null,
    });
  }
}

@ObjectType('CampaignSuppressedCount', { simpleResolvers: true, description: 'Deliveries left out of every group when planned, by reason.' })
export class CampaignSuppressedCountNode {
  @Field(() => SuppressionReason, { nullable: true, description: 'Why; null when no reason was recorded.' })
  reason!: SuppressionReason | null;

  @Field(() => Int, { description: 'How many deliveries.' })
  count!: number;

  static from(row: SuppressedCount): CampaignSuppressedCountNode {
    return Object.assign(new CampaignSuppressedCountNode(), { reason: row.reason, count: row.count });
  }
}

@ObjectType('CampaignReport', {
  simpleResolvers: true,
  description:
    'What a campaign achieved: each group’s reach, engagement, conversions and revenue within the attribution window of each delivery, and the treatment and each variant against the control group.',
})
export class CampaignReportNode {
  campaignDbId!: string;

  @Field(() => Int, { description: 'Days after a delivery is planned in which a purchase counts as its conversion.' })
  attributionDays!: number;

  @Field(() => Date, { nullable: true, description: 'Only deliveries planned at or after this; null: from the start.' })
  since!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only deliveries planned before this; null: up to now.' })
  until!: Date | null;

  @Field(() => CampaignArmReportNode, { description: 'Every variant together.' })
  treatment!: CampaignArmReportNode;

  @Field(() => CampaignArmReportNode, { nullable: true, description: 'The held-out group; null when the campaign had none.' })
  control!: CampaignArmReportNode | null;

  @Field(() => [CampaignArmReportNode], { description: 'Each variant, in the campaign’s order.' })
  variants!: CampaignArmReportNode[];

  @Field(() => [CampaignSuppressedCountNode], { description: 'Deliveries in no group (ineligible when planned), by reason.' })
  suppressed!: CampaignSuppressedCountNode[];

  static from(report: CampaignReport): CampaignReportNode {
    return Object.assign(new CampaignReportNode(), {
      campaignDbId: report.campaignId,
      attributionDays: report.attributionDays,
      since: report.since,
      until: report.until,
      treatment: CampaignArmReportNode.from(report.treatment, report.currency),
      control: report.control ? CampaignArmReportNode.from(report.control, report.currency) : null,
      variants: report.variants.map((variant) => CampaignArmReportNode.from(variant, report.currency)),
      suppressed: report.suppressed.map((row) => CampaignSuppressedCountNode.from(row)),
    });
  }
}

export const CampaignReportConnection = connectionOf(CampaignReportNode, 'CampaignReport', 'A page of campaign reports.');
