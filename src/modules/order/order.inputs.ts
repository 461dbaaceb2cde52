import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Channel } from '../../core/channel.js';
import { PageArgs } from '../../core/relay/connection.js';
import { MemberRefInput } from '../member/member-reference.js';
import { OrderStatus } from './order.enums.js';

@InputType({ description: 'One line of an order.' })
export class OrderItemInput {
  @Field({ description: 'Stock keeping unit, 1 to 100 characters.' })
  sku!: string;

  @Field({ description: 'Product name, 1 to 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Product category, up to 100 characters.' })
  category?: string | null;

  @Field(() => Int, { description: 'Quantity, 1 or more.' })
  quantity!: number;

  @Field(() => Int, { description: 'Unit price in minor units (e.g. fen, cents), 0 or more.' })
  unitPrice!: number;
}

@InputType({ description: 'An order as the selling system knows it now. Recording the same externalId again updates it.' })
export class OrderRecordInput {
  @Field({ description: "The selling system's order number, unique per tenant (1 to 100 characters)." })
  externalId!: string;

  @Field(() => MemberRefInput, { description: 'Who bought: a member id or an identity. Cannot change once recorded.' })
  member!: MemberRefInput;

  @Field(() => ID, { nullable: true, description: 'The store, by id.' })
  storeId?: string | null;

  @Field(() => String, { nullable: true, description: 'The store, by code (instead of storeId).' })
  storeCode?: string | null;

  @Field(() => Channel, { description: 'Where it was bought; STORE for offline.' })
  channel!: Channel;

  @Field(() => OrderStatus, {
    description: 'PLACED, PAID or CANCELLED. A status never moves back; refunds go through refundedAmount or orderRefund.',
  })
  status!: OrderStatus;

  @Field({ description: "ISO 4217 currency; must be the tenant's reporting currency." })
  currency!: string;

  @Field(() => [OrderItemInput], { description: '1 to 500 lines. Lines cannot change once a refund was recorded.' })
  items!: OrderItemInput[];

  @Field(() => Int, { nullable: true, description: 'Discount in minor units (default 0).' })
  discount?: number | null;

  @Field(() => Int, { nullable: true, description: 'Shipping fee in minor units (default 0).' })
  shipping?: number | null;

  @Field(() => Date, { description: 'When it was placed.' })
  placedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was paid (default: when PAID is first recorded).' })
  paidAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Total refunded so far, for systems that report refunds as a running amount; it can only grow. Use orderRefund for single refunds.',
  })
  refundedAmount?: number | null;

  @Field(() => String, { nullable: true, description: 'System that sent the order, up to 100 characters.' })
  source?: string | null;
}

@InputType({ description: 'A line to refund.' })
export class OrderRefundLineInput {
  @Field(() => Int, { description: 'Line number (1-based, in the order items were sent).' })
  lineNo!: number;

  @Field(() => Int, { description: 'How many units.' })
  quantity!: number;
}

@InputType({ description: 'Money given back on an order: give exactly one of amount, lines or full.' })
export class OrderRefundInput {
  @Field(() => ID, { description: 'The order.' })
  orderId!: string;

  @Field({ description: 'Refund id from the selling system (1 to 100 characters); sending it again refunds nothing twice.' })
  refundId!: string;

  @Field(() => Int, { nullable: true, description: 'Amount in minor units.' })
  amount?: number | null;

  @Field(() => [OrderRefundLineInput], { nullable: true, description: 'Lines; the amount is their share of what was paid.' })
  lines?: OrderRefundLineInput[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Refund everything not refunded yet.' })
  full?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Why, up to 500 characters.' })
  reason?: string | null;

  @Field(() => Date, { nullable: true, description: 'When (default now).' })
  refundedAt?: Date | null;
}

@ArgsType()
export class OrderFilterArgs extends PageArgs {
  @Field(() => [OrderStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: OrderStatus[] | null;

  @Field(() => [Channel], { nullable: true, description: 'Only these channels.' })
  channels?: Channel[] | null;

  @Field(() => ID, { nullable: true, description: 'Only this store.' })
  storeId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Placed from this time on (inclusive).' })
  placedSince?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Placed before this time (exclusive).' })
  placedUntil?: Date | null;
}
