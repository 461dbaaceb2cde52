import type { GraphQLContext } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { loyaltyProgram } from './loyalty-program.js';
import { moneyValueOf } from './points-earning.js';
import { PointsLiability, PointsLiabilityBucket } from './points.type.js';

interface BucketRow {
  key: string | null;
  name: string | null;
  members: number;
  points: number;
}

/** Outstanding points for finance: set-based over lots (by expiry) and accounts (by tier). */
export class PointsLiabilityService {
  constructor(private readonly ctx: GraphQLContext) {}

  async liability(): Promise<PointsLiability> {
    const [program, settings] = await Promise.all([loyaltyProgram(this.ctx), tenantSettings(this.ctx)]);
    const money = (points: number) => ({ amount: moneyValueOf(program, points), currency: settings.currency });
    const [byMonth, byTier, totals] = await Promise.all([
      tenantRows<BucketRow>(
        this.ctx,
        `select to_char(expires_at at time zone 'UTC', 'YYYY-MM') as key, null as name, count(distinct member_id)::int as members, sum(remaining)::float8 as points
           from points_lot where tenant_id = ? and remaining > 0
          group by 1 order by 1 nulls last`,
      ),
      tenantRows<BucketRow>(
        this.ctx,
        `select t.code as key, t.name, count(*)::int as members, sum(a.balance)::float8 as points
           from points_account a
           left join member_tier mt on mt.member_id = a.member_id and mt.tenant_id = a.tenant_id
           left join tier t on t.id = mt.tier_id and t.tenant_id = a.tenant_id
          where a.tenant_id = ? and a.balance > 0
          group by t.code, t.name, t.threshold order by t.threshold nulls first`,
      ),
      tenantRows<{ points: number; debt: number }>(
        this.ctx,
        'select coalesce(sum(balance), 0)::float8 as points, coalesce(sum(debt), 0)::float8 as debt from points_account where tenant_id = ?',
      ),
    ]);
    const bucket = (row: BucketRow) => Object.assign(new PointsLiabilityBucket(), { ...row, moneyValue: money(row.points) });
    return Object.assign(new PointsLiability(), {
      points: totals[0]!.points,
      debt: totals[0]!.debt,
      moneyValue: money(totals[0]!.points),
      byExpiryMonth: byMonth.map(bucket),
      byTier: byTier.map(bucket),
      asOf: new Date(),
    });
  }
}
