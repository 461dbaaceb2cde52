import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../core/relay/connection.js';
import { MoneyScalar, type MoneyValue } from '../../core/graphql/scalars.js';
import { CouponKind, CouponStatus } from './coupon.enums.js';

/** Fields a template is created and changed with. */
@InputType({ description: 'Fields shared by the coupon template inputs.' })
export abstract class CouponTemplateFieldsInput {
  @Field(() => MoneyScalar, { nullable: true, description: 'AMOUNT_OFF (required there, only there): what it takes off, 1 minor unit or more, in the tenant currency.' })
  amountOff?: MoneyValue | null;

  @Field(() => Int, { nullable: true, description: 'PERCENT_OFF (required there, only there): percent off the subtotal, 1 to 100.' })
  percentOff?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'PERCENT_OFF only: the most it takes off, in the tenant currency; null is no cap.' })
  maxDiscount?: MoneyValue | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'Subtotal an order must reach, in the tenant currency (default 0).' })
  minSpend?: MoneyValue | null;

  @Field(() => Date, { nullable: true, description: 'Coupons are valid from this time on (default: from issue).' })
  validFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Coupons end at this time, and none is issued after it; after validFrom (default: open-ended).' })
  validUntil?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Days a coupon stays valid once it is valid, 1 to 3660; it still ends by validUntil.' })
  validDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'Coupons of this template one member may hold, redeemed or not, 1 to 1000 (default 1).' })
  perMemberLimit?: number | null;

  @Field(() => Int, { nullable: true, description: 'Coupons that may be issued in all, never below issuedCount; null is unlimited (the default).' })
  totalStock?: number | null;

  @Field(() => Int, { nullable: true, description: 'Points a member pays for one with pointsRedeem (purpose COUPON); null is not for sale (the default).' })
  pointsCost?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether coupons are issued from it (default true).' })
  active?: boolean | null;
}

@InputType({ description: 'A new coupon template. Amounts are minor units of the tenant currency.' })
export class CouponTemplateCreateInput extends CouponTemplateFieldsInput {
  @Field({ description: 'Name to show, 1 to 200 characters.' })
  name!: string;

  @Field(() => CouponKind, { description: 'What the coupons take off.' })
  kind!: CouponKind;
}

@InputType({
  description:
    'Changes to a template; omitted fields stay, null clears a nullable one. What a coupon takes off and when it applies (kind, amountOff, percentOff, maxDiscount, minSpend) is fixed once coupons were issued, so issued coupons keep their meaning; validity changes apply to coupons issued from then on.',
})
export class CouponTemplateUpdateInput extends CouponTemplateFieldsInput {
  @Field(() => ID, { description: 'The template.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name, 1 to 200 characters.' })
  name?: string | null;

  @Field(() => CouponKind, { nullable: true, description: 'New kind (only before any coupon was issued).' })
  kind?: CouponKind | null;
}

@InputType({ description: 'A coupon for a member, from a template.' })
export class CouponIssueInput {
  @Field(() => ID, { description: 'The template.' })
  templateId!: string;

  @Field(() => ID, { description: 'The member (a merged id acts on the survivor).' })
  memberId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Your key for this request, 1 to 200 characters: a retry with it returns the first coupon and issues nothing; the key with another template or member is IDEMPOTENCY_CONFLICT.',
  })
  idempotencyKey?: string | null;
}

@InputType({ description: 'A coupon used at checkout.' })
export class CouponRedeemInput {
  @Field({ description: 'The coupon code (case does not matter).' })
  code!: string;

  @Field({ description: "The selling system's order number (1 to 100 characters). Redeeming again for the same order returns the same result." })
  orderExternalId!: string;

  @Field(() => MoneyScalar, { description: 'The order subtotal (goods, before this coupon) in the tenant currency, for the minimum spend and the percent.' })
  subtotal!: MoneyValue;

  @Field(() => ID, { nullable: true, description: 'The member at the till; if given, the coupon must be theirs.' })
  memberId?: string | null;
}

@InputType({ description: 'Withdraws a coupon that was not redeemed.' })
export class CouponVoidInput {
  @Field(() => ID, { description: 'The coupon.' })
  id!: string;
}

@ArgsType()
export class CouponFilterArgs extends PageArgs {
  @Field(() => CouponStatus, { nullable: true, description: 'Only coupons in this status.' })
  status?: CouponStatus | null;
}

@ArgsType()
export class CouponTemplateFilterArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only active (true) or inactive (false) templates.' })
  active?: boolean | null;
}
