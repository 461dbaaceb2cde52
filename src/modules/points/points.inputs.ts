import { Field, ID, InputType, Int } from 'type-graphql';
import { Channel } from '../../core/channel.js';
import { PointsRedemptionPurpose } from './points.enums.js';

/** What every points change names: whose account, and the caller's key for retries. */
@InputType({ description: 'Fields every points change shares (never used on its own).' })
abstract class PointsChangeInput {
  @Field(() => ID, { description: 'The member (a merged id acts on the survivor).' })
  memberId!: string;

  @Field({ description: 'Your key for this request: a retry with the same key and request returns the first result and writes nothing.' })
  idempotencyKey!: string;
}

@InputType({ description: 'Points granted for an activity (a review, a store visit, a sign-up bonus). Orders earn by themselves when paid.' })
export class PointsEarnInput extends PointsChangeInput {
  @Field(() => Int, { description: 'Points to add, 1 to 10,000,000.' })
  points!: number;

  @Field({ description: 'Why, for the member and for audit (1 to 500 characters).' })
  reason!: string;

  @Field(() => ID, { nullable: true, description: 'Store where it happened.' })
  storeId?: string | null;

  @Field(() => Channel, { nullable: true, description: 'Channel where it happened.' })
  channel?: Channel | null;
}

@InputType({ description: 'Points spent: all or nothing.' })
export class PointsRedeemInput extends PointsChangeInput {
  @Field(() => PointsRedemptionPurpose, { description: 'What the points are for.' })
  purpose!: PointsRedemptionPurpose;

  @Field(() => Int, { nullable: true, description: 'Points to spend: required for REWARD and ORDER_DISCOUNT; for COUPON the template sets it (give it to assert the price).' })
  points?: number | null;

  @Field(() => String, { nullable: true, description: 'The reward (REWARD), 1 to 200 characters.' })
  reward?: string | null;

  @Field(() => ID, { nullable: true, description: 'The coupon template to buy (COUPON); it must have a points cost.' })
  couponTemplateId?: string | null;

  @Field(() => String, { nullable: true, description: "The selling system's order number the discount is for (ORDER_DISCOUNT)." })
  orderExternalId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Store where it happened.' })
  storeId?: string | null;

  @Field(() => Channel, { nullable: true, description: 'Channel where it happened.' })
  channel?: Channel | null;
}

@InputType({ description: 'A manual correction by an administrator.' })
export class PointsAdjustInput extends PointsChangeInput {
  @Field(() => Int, { description: 'Points to add (positive) or take away (negative); the balance cannot go below zero.' })
  points!: number;

  @Field({ description: 'Why (mandatory, 1 to 500 characters): kept on the ledger for audit.' })
  reason!: string;
}
