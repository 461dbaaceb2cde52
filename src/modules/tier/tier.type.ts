import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { TierBasis, TierChangeReason } from './tier.enums.js';
import type { Tier, TierBenefit, TierChange } from './tier.entity.js';

@ObjectType('TierBenefit', { simpleResolvers: true, description: 'One benefit of a tier, as data a UI can show.' })
export class TierBenefitNode {
  @Field({ description: 'What the benefit is.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Details.' })
  description!: string | null;

  static from(benefit: TierBenefit): TierBenefitNode {
    return Object.assign(new TierBenefitNode(), { name: benefit.name, description: benefit.description ?? null });
  }
}

@ObjectType('Tier', { implements: Node, simpleResolvers: true, description: 'A tenant-defined tier (e.g. Silver, Gold), reached by growth value.' })
export class TierNode extends Node {
  dbId!: string;

  @Field({ description: 'Code, unique within the tenant.' })
  code!: string;

  @Field({ description: 'Name to show.' })
  name!: string;

  @Field(() => Float, { description: 'Growth value that reaches the tier (a whole number: minor units of net spend, or points, by the programme’s tierBasis).' })
  threshold!: number;

  @Field(() => Int, { description: 'Earning multiplier of members in the tier, in percent (100 = 1x).' })
  earnMultiplierPercent!: number;

  @Field(() => Int, { description: 'Discount the tier entitles to, in percent; the selling system applies it.' })
  discountPercent!: number;

  @Field(() => [TierBenefitNode], { description: 'Benefits to show.' })
  benefits!: TierBenefitNode[];

  @Field(() => Date, { nullable: true, description: 'When the tier was retired; a retired tier holds nobody and names past changes.' })
  retiredAt!: Date | null;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;

  @Field({ description: 'When it last changed.' })
  updatedAt!: Date;

  static from(tier: Tier): TierNode {
    return Object.assign(new TierNode(), {
      id: toGlobalId('Tier', tier.id),
      dbId: tier.id,
      code: tier.code,
      name: tier.name,
      threshold: tier.threshold,
      earnMultiplierPercent: tier.earnMultiplierPercent,
      discountPercent: tier.discountPercent,
      benefits: (tier.benefits ?? []).map(TierBenefitNode.from),
      retiredAt: tier.retiredAt ?? null,
      createdAt: tier.createdAt,
      updatedAt: tier.updatedAt,
    });
  }
}

export const TierConnection = connectionOf(TierNode, 'Tier', 'A page of tiers, lowest threshold first.');
export type TierConnection = InstanceType<typeof TierConnection>;

@ObjectType('TierProgress', { simpleResolvers: true, description: 'Where a member stands on the way to the next tier.' })
export class TierProgressNode {
  @Field(() => Float, { description: 'Growth value now, over the programme’s window (a whole number).' })
  current!: number;

  @Field(() => TierNode, { nullable: true, description: 'The lowest active tier above the member’s current tier; null at the top.' })
  next!: TierNode | null;

  @Field(() => Float, { nullable: true, description: 'Growth value still needed to reach `next` (0 when it is already reached); null at the top.' })
  remaining!: number | null;

  @Field(() => TierBasis, { description: 'What growth value measures.' })
  basis!: TierBasis;

  @Field(() => Date, { nullable: true, description: 'Since when the member holds the current tier.' })
  since!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the current period ends: the review then places the member by the growth value of that day, possibly lower. Null without a tier.',
  })
  reviewAt!: Date | null;
}

@ObjectType('TierChange', { implements: Node, simpleResolvers: true, description: 'A change of a member’s tier, kept as history.' })
export class TierChangeNode extends Node {
  fromDbId!: string | null;
  toDbId!: string | null;

  @Field(() => TierChangeReason, { description: 'Why the tier changed.' })
  reason!: TierChangeReason;

  @Field(() => Float, { description: 'The growth value the change was decided on (a whole number).' })
  growthValue!: number;

  @Field({ description: 'When it changed.' })
  at!: Date;

  static from(change: TierChange): TierChangeNode {
    return Object.assign(new TierChangeNode(), {
      id: toGlobalId('TierChange', change.id),
      fromDbId: change.fromTierId ?? null,
      toDbId: change.toTierId ?? null,
      reason: change.reason,
      growthValue: change.growthValue,
      at: change.createdAt,
    });
  }
}

export const TierChangeConnection = connectionOf(TierChangeNode, 'TierChange', 'A page of tier changes, newest first.');
export type TierChangeConnection = InstanceType<typeof TierChangeConnection>;
