import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MoneyScalar, type MoneyValue } from '../../core/graphql/scalars.js';
import { RfmGroup } from './rfm.enums.js';

@ObjectType('MemberRfm', { simpleResolvers: true, description: 'A buyer’s RFM scores, as of the last RFM_REFRESH run.' })
export class MemberRfmNode {
  @Field(() => Int, { description: 'Days since the last purchase.' })
  recencyDays!: number;

  @Field(() => Int, { description: 'Purchases in the window.' })
  frequency!: number;

  @Field(() => MoneyScalar, { description: 'Paid in the window, net of refunds.' })
  monetary!: MoneyValue;

  @Field(() => Int, { description: '1 to 5; 5 is the most recent fifth of buyers.' })
  recencyScore!: number;

  @Field(() => Int, { description: '1 to 5; 5 buys most often.' })
  frequencyScore!: number;

  @Field(() => Int, { description: '1 to 5; 5 spends most.' })
  monetaryScore!: number;

  @Field({ description: '"R-F-M", e.g. "5-4-5".' })
  cell!: string;

  @Field(() => RfmGroup)
  group!: RfmGroup;

  @Field({ description: 'When it was computed.' })
  computedAt!: Date;
}

@ObjectType('RfmBucket', { simpleResolvers: true, description: 'Buyers and their spend in one RFM group or cell.' })
export class RfmBucketNode {
  @Field({ description: 'The group name or the cell ("R-F-M").' })
  key!: string;

  @Field(() => Int)
  members!: number;

  @Field(() => MoneyScalar, { description: 'Their spend in the window, net of refunds.' })
  netSpend!: MoneyValue;

  @Field(() => Float, { description: 'Share of all buyers, 0 to 1.' })
  share!: number;
}

@ObjectType('RfmDistribution', { simpleResolvers: true, description: 'How the tenant’s buyers spread over RFM groups and cells (BI).' })
export class RfmDistributionNode {
  @Field(() => Int, { description: 'Buyers scored.' })
  buyers!: number;

  @Field(() => Int, { description: 'Days of orders the scores look at.' })
  windowDays!: number;

  @Field(() => Date, { nullable: true, description: 'When the scores were last computed (null: never).' })
  computedAt!: Date | null;

  @Field(() => [RfmBucketNode], { description: 'By group, largest first.' })
  groups!: RfmBucketNode[];

  @Field(() => [RfmBucketNode], { description: 'By cell, largest first.' })
  cells!: RfmBucketNode[];
}
