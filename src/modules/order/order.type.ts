import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Channel } from '../../core/channel.js';
import { MoneyScalar, type MoneyValue } from '../../core/graphql/scalars.js';
import { connectionOf } from '../../core/relay/connection.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { Node } from '../../core/relay/node.js';
import { OrderStatus } from './order.enums.js';
import type { Order, OrderItem, OrderRefund } from './order.entity.js';
import type { MemberStats } from './member-stats.entity.js';

registerEnumType(OrderStatus, { name: 'OrderStatus', description: 'Where an order stands.' });

@ObjectType('OrderItem', { simpleResolvers: true, description: 'One line of an order.' })
export class OrderItemNode {
  @Field(() => Int, { description: 'Line number, from 1.' })
  lineNo!: number;

  @Field({ description: 'Stock keeping unit.' })
  sku!: string;

  @Field({ description: 'Product name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Product category.' })
  category!: string | null;

  @Field(() => Int, { description: 'Units bought.' })
  quantity!: number;

  @Field(() => Int, { description: 'Units refunded so far.' })
  refundedQuantity!: number;

  @Field(() => MoneyScalar, { description: 'Price of one unit.' })
  unitPrice!: MoneyValue;

  static from(item: OrderItem, currency: string): OrderItemNode {
    return Object.assign(new OrderItemNode(), { ...item, category: item.category ?? null, unitPrice: { amount: item.unitPrice, currency } });
  }
}

@ObjectType('OrderRefund', { simpleResolvers: true, description: 'Money given back on an order.' })
export class OrderRefundNode {
  @Field({ description: "The selling system's refund id." })
  refundId!: string;

  @Field(() => MoneyScalar, { description: 'How much.' })
  amount!: MoneyValue;

  @Field(() => String, { nullable: true, description: 'Why.' })
  reason!: string | null;

  @Field({ description: 'When.' })
  refundedAt!: Date;

  static from(refund: OrderRefund, currency: string): OrderRefundNode {
    return Object.assign(new OrderRefundNode(), {
      refundId: refund.refundId,
      amount: { amount: refund.amount, currency },
      reason: refund.reason ?? null,
      refundedAt: refund.refundedAt,
    });
  }
}

@ObjectType('Order', { implements: Node, simpleResolvers: true, description: 'A purchase, online or offline.' })
export class OrderNode extends Node {
  dbId!: string;
  memberDbId!: string;
  storeDbId!: string | null;

  @Field({ description: "The selling system's order number." })
  externalId!: string;

  @Field(() => Channel, { description: 'Where it was bought.' })
  channel!: Channel;

  @Field({ description: 'Whether it was bought online (every channel but STORE).' })
  online!: boolean;

  @Field(() => OrderStatus, { description: 'Where it stands.' })
  status!: OrderStatus;

  @Field({ description: 'ISO 4217 currency.' })
  currency!: string;

  @Field(() => MoneyScalar, { description: 'Sum of quantity x unit price.' })
  itemsTotal!: MoneyValue;

  @Field(() => MoneyScalar, { description: 'Discount.' })
  discount!: MoneyValue;

  @Field(() => MoneyScalar, { description: 'Shipping fee.' })
  shipping!: MoneyValue;

  @Field(() => MoneyScalar, { description: 'What was paid: itemsTotal - discount + shipping.' })
  total!: MoneyValue;

  @Field(() => MoneyScalar, { description: 'Refunded so far.' })
  refundedAmount!: MoneyValue;

  @Field(() => MoneyScalar, { description: 'total - refundedAmount.' })
  netAmount!: MoneyValue;

  @Field({ description: 'When it was placed.' })
  placedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was paid.' })
  paidAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was cancelled.' })
  cancelledAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'System that sent it.' })
  source!: string | null;

  @Field({ description: 'When it was first recorded.' })
  createdAt!: Date;

  @Field({ description: 'When it last changed.' })
  updatedAt!: Date;

  static from(order: Order): OrderNode {
    const money = (amount: number) => ({ amount, currency: order.currency });
    return Object.assign(new OrderNode(), {
      id: toGlobalId('Order', order.id),
      dbId: order.id,
      memberDbId: order.memberId,
      storeDbId: order.storeId ?? null,
      externalId: order.externalId,
      channel: order.channel,
      online: order.channel !== Channel.STORE,
      status: order.status,
      currency: order.currency,
      itemsTotal: money(order.itemsTotal),
      discount: money(order.discount),
      shipping: money(order.shipping),
      total: money(order.total),
      refundedAmount: money(order.refundedAmount),
      netAmount: money(order.total - order.refundedAmount),
      placedAt: order.placedAt,
      paidAt: order.paidAt ?? null,
      cancelledAt: order.cancelledAt ?? null,
      source: order.source ?? null,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
    });
  }
}

export const OrderConnection = connectionOf(OrderNode, 'Order', 'A page of orders, newest first.');
export type OrderConnection = InstanceType<typeof OrderConnection>;

@ObjectType('MemberPurchaseStats', { simpleResolvers: true, description: 'What a member bought: paid orders, net of refunds.' })
export class MemberPurchaseStatsNode {
  @Field(() => Date, { nullable: true, description: 'When the first purchase was placed.' })
  firstOrderAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the latest purchase was placed.' })
  lastOrderAt!: Date | null;

  @Field(() => Int, { description: 'Purchases: orders PAID or PARTIALLY_REFUNDED.' })
  orderCount!: number;

  @Field(() => MoneyScalar, { description: 'Sum of purchase totals minus refunds.' })
  netSpend!: MoneyValue;

  @Field(() => MoneyScalar, { nullable: true, description: 'netSpend / orderCount (rounded down); null without purchases.' })
  averageOrderValue!: MoneyValue | null;

  @Field(() => Float, { nullable: true, description: 'Average days between purchases: (last - first) / (orderCount - 1); null under two purchases.' })
  averageDaysBetweenOrders!: number | null;

  static from(stats: MemberStats | null, currency: string): MemberPurchaseStatsNode {
    const count = stats?.orderCount ?? 0;
    const net = stats?.netSpend ?? 0;
    const first = stats?.firstOrderAt ?? null;
    const last = stats?.lastOrderAt ?? null;
    return Object.assign(new MemberPurchaseStatsNode(), {
      firstOrderAt: first,
      lastOrderAt: last,
      orderCount: count,
      netSpend: { amount: net, currency },
      averageOrderValue: count ? { amount: Math.floor(net / count), currency } : null,
      averageDaysBetweenOrders: count >= 2 && first && last ? (last.getTime() - first.getTime()) / 86_400_000 / (count - 1) : null,
    });
  }
}
