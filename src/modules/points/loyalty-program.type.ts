import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Channel } from '../../core/channel.js';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { PointsExpiryPolicy, PointsShortfallPolicy } from './points.enums.js';
import { TierBasis } from '../tier/tier.enums.js';
import type { LoyaltyProgram } from './loyalty-program.entity.js';
import type { PointsRule } from './points.entity.js';

@ObjectType('LoyaltyProgram', { simpleResolvers: true, description: 'How the tenant’s points, tiers and membership card work.' })
export class LoyaltyProgramNode {
  @Field(() => Int, { description: 'Points earned per `earnPerAmount` minor units paid for goods.' })
  earnPoints!: number;

  @Field(() => Int, { description: 'Minor units paid that earn `earnPoints` points (100 = per 1.00).' })
  earnPerAmount!: number;

  @Field(() => Int, { description: 'Points that are worth `redeemValue` minor units when redeemed as money.' })
  redeemPoints!: number;

  @Field(() => Int, { description: 'Minor units `redeemPoints` points are worth.' })
  redeemValue!: number;

  @Field(() => PointsExpiryPolicy, { description: 'When earned points expire.' })
  expiryPolicy!: PointsExpiryPolicy;

  @Field(() => Int, { description: 'Months until expiry under MONTHS_AFTER.' })
  expiryMonths!: number;

  @Field(() => PointsShortfallPolicy, { description: 'How points taken back after they were spent are shown.' })
  shortfallPolicy!: PointsShortfallPolicy;

  @Field(() => TierBasis, { description: 'What growth value measures.' })
  tierBasis!: TierBasis;

  @Field(() => Int, { description: 'Months of history growth value counts.' })
  tierWindowMonths!: number;

  @Field(() => Int, { description: 'Months a tier holds before its review.' })
  tierPeriodMonths!: number;

  @Field(() => Int, { description: 'Seconds a membership card barcode stays valid.' })
  cardCodeTtlSeconds!: number;

  static from(program: LoyaltyProgram): LoyaltyProgramNode {
    const { tenantId: _tenant, updatedAt: _updated, ...fields } = program;
    return Object.assign(new LoyaltyProgramNode(), fields);
  }
}

@InputType({ description: 'Changes to the loyalty programme; omitted fields stay. Changes apply to what happens next, never to entries already written.' })
export class LoyaltyProgramUpdateInput {
  @Field(() => Int, { nullable: true, description: '0 to 1,000,000.' })
  earnPoints?: number | null;

  @Field(() => Int, { nullable: true, description: '1 to 100,000,000.' })
  earnPerAmount?: number | null;

  @Field(() => Int, { nullable: true, description: '1 to 100,000,000.' })
  redeemPoints?: number | null;

  @Field(() => Int, { nullable: true, description: '0 to 100,000,000.' })
  redeemValue?: number | null;

  @Field(() => PointsExpiryPolicy, { nullable: true })
  expiryPolicy?: PointsExpiryPolicy | null;

  @Field(() => Int, { nullable: true, description: '1 to 120.' })
  expiryMonths?: number | null;

  @Field(() => PointsShortfallPolicy, { nullable: true })
  shortfallPolicy?: PointsShortfallPolicy | null;

  @Field(() => TierBasis, { nullable: true })
  tierBasis?: TierBasis | null;

  @Field(() => Int, { nullable: true, description: '1 to 60.' })
  tierWindowMonths?: number | null;

  @Field(() => Int, { nullable: true, description: '1 to 60.' })
  tierPeriodMonths?: number | null;

  @Field(() => Int, { nullable: true, description: '30 to 3600.' })
  cardCodeTtlSeconds?: number | null;
}

@ObjectType('PointsRule', { implements: Node, simpleResolvers: true, description: 'An earning rule: a multiplier and/or bonus for matching orders and lines.' })
export class PointsRuleNode extends Node {
  dbId!: string;
  storeDbId!: string | null;

  @Field()
  name!: string;

  @Field({ description: 'Whether the rule applies.' })
  active!: boolean;

  @Field(() => Channel, { nullable: true, description: 'Only orders from this channel.' })
  channel!: Channel | null;

  @Field(() => ID, { nullable: true, description: 'Only orders from this store.' })
  storeId!: string | null;

  @Field(() => String, { nullable: true, description: 'Only lines of this category.' })
  category!: string | null;

  @Field(() => String, { nullable: true, description: 'Only lines of this SKU.' })
  sku!: string | null;

  @Field(() => Date, { nullable: true, description: 'Applies to orders paid from then on.' })
  startsAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Applies to orders paid before then.' })
  endsAt!: Date | null;

  @Field(() => Int, { description: 'Multiplier in percent (200 = double points) for matching lines; the highest matching one applies.' })
  multiplierPercent!: number;

  @Field(() => Int, { description: 'Points added once per matching order.' })
  bonusPoints!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  static from(rule: PointsRule): PointsRuleNode {
    return Object.assign(new PointsRuleNode(), {
      id: toGlobalId('PointsRule', rule.id),
      dbId: rule.id,
      storeDbId: rule.storeId ?? null,
      storeId: rule.storeId ? toGlobalId('Store', rule.storeId) : null,
      name: rule.name,
      active: rule.active,
      channel: rule.channel ?? null,
      category: rule.category ?? null,
      sku: rule.sku ?? null,
      startsAt: rule.startsAt ?? null,
      endsAt: rule.endsAt ?? null,
      multiplierPercent: rule.multiplierPercent,
      bonusPoints: rule.bonusPoints,
      createdAt: rule.createdAt,
      updatedAt: rule.updatedAt,
    });
  }
}

export const PointsRuleConnection = connectionOf(PointsRuleNode, 'PointsRule', 'A page of earning rules, newest first.');
export type PointsRuleConnection = InstanceType<typeof PointsRuleConnection>;

@InputType({ description: 'An earning rule. Conditions left empty match everything.' })
export class PointsRuleInput {
  @Field(() => ID, { nullable: true, description: 'The rule to change (pointsRuleUpdate only).' })
  id?: string | null;

  @Field(() => String, { nullable: true, description: '1 to 200 characters (required to create).' })
  name?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  active?: boolean | null;

  @Field(() => Channel, { nullable: true })
  channel?: Channel | null;

  @Field(() => ID, { nullable: true })
  storeId?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 100 characters.' })
  category?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 100 characters.' })
  sku?: string | null;

  @Field(() => Date, { nullable: true })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  endsAt?: Date | null;

  @Field(() => Int, { nullable: true, description: '0 to 10,000 (100 = 1x). Default 100.' })
  multiplierPercent?: number | null;

  @Field(() => Int, { nullable: true, description: '0 to 1,000,000. Default 0.' })
  bonusPoints?: number | null;
}
