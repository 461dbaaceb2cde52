import type { GraphQLContext } from '../../core/context.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { loyaltyProgram } from './loyalty-program.js';
import { moneyValueOf } from './points-earning.js';
import { PointsEntry } from './points.entity.js';
import { accountByMember, ENTRY_ORDER, expiringByMember, historyPagesByMember } from './points.loaders.js';
import { PointsAccountNode, PointsExpiryNode } from './points.type.js';
import { tenantSettings } from '../tenant/tenant-settings.js';

const DAY = 86_400_000;

/** Reads of points accounts and the ledger. */
export class PointsQueryService {
  constructor(private readonly ctx: GraphQLContext) {}

  async account(memberId: string): Promise<PointsAccountNode> {
    const [row, program, settings] = await Promise.all([this.ctx.loaders.get(accountByMember).load(memberId), loyaltyProgram(this.ctx), tenantSettings(this.ctx)]);
    return Object.assign(new PointsAccountNode(), {
      memberDbId: memberId,
      spendable: row.balance,
      owed: row.debt,
      policy: program.shortfallPolicy,
      earned: row.earned,
      redeemed: row.redeemed,
      expired: row.expired,
      moneyValue: { amount: moneyValueOf(program, row.balance), currency: settings.currency },
    });
  }

  /** Open points expiring within `withinDays` (1 to 3660), grouped by date, soonest first. */
  async expiringSoon(memberId: string, withinDays: number): Promise<PointsExpiryNode[]> {
    const days = Math.min(Math.max(Math.trunc(withinDays), 1), 3660);
    // Rounded to the minute so that every field of one request shares a loader key.
    const until = Math.floor((Date.now() + days * DAY) / 60_000) * 60_000;
    const rows = await this.ctx.loaders.get(expiringByMember).load({ memberId, until });
    return rows.map((row) => Object.assign(new PointsExpiryNode(), row));
  }

  /** A member's ledger, newest first; first pages of many members load in one statement. */
  history(memberId: string, args: PageArgs): Promise<Page<PointsEntry>> {
    const page = pageRequest(args);
    if (page.first !== undefined && !page.after) return this.ctx.loaders.get(historyPagesByMember).load({ memberId, first: page.first });
    return paginate(this.ctx.em, PointsEntry, { memberId }, page, ENTRY_ORDER);
  }

  async entryByGlobalId(globalId: string): Promise<PointsEntry | null> {
    const id = idOf(globalId, 'PointsEntry');
    return id ? this.ctx.em.findOne(PointsEntry, { id }) : null;
  }
}
