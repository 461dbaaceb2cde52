import type { FilterQuery } from '@mikro-orm/core';
import type { GraphQLContext } from '../../core/context.js';
import { badInput } from '../../core/errors.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { Order } from './order.entity.js';
import type { OrderFilterArgs } from './order.inputs.js';
import { ORDER_ORDER, orderPagesByMember } from './order.loaders.js';

function orderFilter(args: OrderFilterArgs): FilterQuery<Order> {
  if (args.placedSince && args.placedUntil && args.placedSince >= args.placedUntil) throw badInput('`placedSince` must be before `placedUntil`.');
  const where: FilterQuery<Order>[] = [];
  if (args.statuses?.length) where.push({ status: { $in: args.statuses } });
  if (args.channels?.length) where.push({ channel: { $in: args.channels } });
  if (args.storeId) where.push({ storeId: idOf(args.storeId, 'Store') ?? '00000000-0000-0000-0000-000000000000' });
  if (args.placedSince) where.push({ placedAt: { $gte: args.placedSince } });
  if (args.placedUntil) where.push({ placedAt: { $lt: args.placedUntil } });
  return where.length ? { $and: where } : {};
}

export class OrderQueryService {
  constructor(private readonly ctx: GraphQLContext) {}

  async findByGlobalId(globalId: string): Promise<Order | null> {
    const id = idOf(globalId, 'Order');
    return id ? this.ctx.em.findOne(Order, { id }) : null;
  }

  byExternalId(externalId: string): Promise<Order | null> {
    return this.ctx.em.findOne(Order, { externalId });
  }

  list(args: OrderFilterArgs): Promise<Page<Order>> {
    return paginate(this.ctx.em, Order, orderFilter(args), pageRequest(args as PageArgs), ORDER_ORDER);
  }

  /** A member's orders; the first page of many members loads in one query. */
  forMember(memberId: string, args: OrderFilterArgs): Promise<Page<Order>> {
    const page = pageRequest(args as PageArgs);
    const plain = !args.channels?.length && !args.storeId && !args.placedSince && !args.placedUntil;
    if (page.first !== undefined && !page.after && plain) {
      return this.ctx.loaders.get(orderPagesByMember).load({ memberId, first: page.first, statuses: args.statuses?.length ? [...args.statuses].sort() : null });
    }
    return paginate(this.ctx.em, Order, { $and: [{ memberId }, orderFilter(args)] }, page, ORDER_ORDER);
  }
}
