import DataLoader from 'dataloader';
import type { GraphQLContext, LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import type { RfmGroup } from './rfm.enums.js';
import { MemberRfmNode, RfmBucketNode, RfmDistributionNode } from './rfm.type.js';

interface RfmRow {
  member_id: string;
  recency_days: number;
  frequency: number;
  monetary: string | number;
  recency_score: number;
  frequency_score: number;
  monetary_score: number;
  cell: string;
  group: RfmGroup;
  computed_at: Date;
}

const rfmByMember: LoaderFactory<string, RfmRow | null> = (ctx) =>
  new DataLoader(async (ids) => {
    const rows = await tenantRows<RfmRow>(ctx, 'select * from member_rfm where tenant_id = ? and member_id in (?)', [[...ids]]);
    const byId = new Map(rows.map((row) => [row.member_id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });

/** Reads of the RFM scores the RFM_REFRESH job computed. */
export class RfmService {
  constructor(private readonly ctx: GraphQLContext) {}

  async forMember(memberId: string): Promise<MemberRfmNode | null> {
    const [row, settings] = await Promise.all([this.ctx.loaders.get(rfmByMember).load(memberId), tenantSettings(this.ctx)]);
    if (!row) return null;
    return Object.assign(new MemberRfmNode(), {
      recencyDays: row.recency_days,
      frequency: row.frequency,
      monetary: { amount: Number(row.monetary), currency: settings.currency },
      recencyScore: row.recency_score,
      frequencyScore: row.frequency_score,
      monetaryScore: row.monetary_score,
      cell: row.cell,
      group: row.group,
      computedAt: new Date(row.computed_at),
    });
  }

  async distribution(): Promise<RfmDistributionNode> {
    const settings = await tenantSettings(this.ctx);
    const bucketsBy = (column: string) =>
      tenantRows<{ key: string; members: number; spend: string }>(
        this.ctx,
        `select ${column} as key, count(*)::int as members, sum(monetary)::text as spend from member_rfm where tenant_id = ? group by 1 order by 2 desc, 1`,
      );
    const [groups, cells, [meta]] = await Promise.all([
      bucketsBy('"group"'),
      bucketsBy('cell'),
      tenantRows<{ buyers: number; computed_at: Date | null }>(this.ctx, 'select count(*)::int as buyers, max(computed_at) as computed_at from member_rfm where tenant_id = ?'),
    ]);
    const buyers = meta?.buyers ?? 0;
    const bucket = (row: { key: string; members: number; spend: string }) =>
      Object.assign(new RfmBucketNode(), { key: row.key, members: row.members, netSpend: { amount: Number(row.spend), currency: settings.currency }, share: buyers ? row.members / buyers : 0 });
    return Object.assign(new RfmDistributionNode(), {
      buyers,
      windowDays: settings.rfmWindowDays,
      computedAt: meta?.computed_at ? new Date(meta.computed_at) : null,
      groups: groups.map(bucket),
      cells: cells.map(bucket),
    });
  }
}
