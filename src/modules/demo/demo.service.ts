import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { refreshTenantMemberStats } from '../order/member-stats.js';
import { createTenant } from '../tenant/tenant.service.js';
import { DEMO_STORES, peaksBetween } from './demo-catalog.js';
import { DAY, type DemoContext, type StoreRef } from './demo-context.js';
import { writeActivity } from './demo-activity.js';
import { DemoLoader, type TableReport } from './demo-loader.js';
import { createMember } from './demo-member.js';
import { writeOrders } from './demo-orders.js';
import { DemoIds, IdKind } from './demo-random.js';
import { orderTimes } from './demo-rhythm.js';
import { DemoRows, DEMO_TABLE_NAMES, type DemoTable } from './demo-rows.js';

export interface DemoOptions {
  members: number;
  seed: number;
  /** History ends here (exclusive) and reaches two years back; the 1st of the current month by default. */
  end?: Date;
  /** Touchpoints (browsing, chats, messages, order events); false writes members and orders only. Default true. */
  activity?: boolean;
  /** Members generated and copied per round: bounds memory, not the result. */
  chunkSize?: number;
  onProgress?: (membersDone: number) => void;
}

export interface DemoReport {
  tenantId: string;
  tenantName: string;
  ownerKey: string;
  start: Date;
  end: Date;
  tables: Record<DemoTable | 'member_stats', TableReport>;
  /** Node time spent drawing rows (it overlaps the COPY of the previous chunk). */
  generateMs: number;
  analyzeMs: number;
  totalMs: number;
}

export const MAX_DEMO_MEMBERS = 10_000_000;

export function defaultDemoEnd(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

function campaignsOf(ctx: Pick<DemoContext, 'start' | 'end' | 'peaks'>): DemoContext['campaigns'] {
  const campaigns = ctx.peaks.map((peak) => ({ name: peak.name, at: Math.floor((peak.from - DAY) / DAY) * DAY + 2 * 3_600_000 }));
  for (let month = new Date(ctx.start); month.getTime() < ctx.end; month.setUTCMonth(month.getUTCMonth() + 1)) {
    if (month.getUTCMonth() % 3 !== 0) continue;
    const at = Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1, 2);
    campaigns.push({ name: `newsletter-${new Date(at).toISOString().slice(0, 7)}`, at });
  }
  // Sends, opens and clicks all fall inside the history.
  return campaigns.filter((campaign) => campaign.at >= ctx.start && campaign.at < ctx.end - DAY).sort((a, b) => a.at - b.at);
}

async function generate(ctx: DemoContext, from: number, to: number, clock: { ms: number }): Promise<DemoRows> {
  ctx.rows = new DemoRows(ctx.tenantId);
  let started = performance.now();
  for (let index = from; index < to; index++) {
    const member = createMember(ctx, index);
    writeOrders(ctx, member, orderTimes(ctx, member));
    // Each member draws from its own generator, so leaving activity out changes no order.
    if (ctx.activity) writeActivity(ctx, member);
    if ((index - from) % 200 === 199) {
      // Let the previous chunk's COPY drain while this one is drawn.
      clock.ms += performance.now() - started;
      await new Promise(setImmediate);
      started = performance.now();
    }
  }
  clock.ms += performance.now() - started;
  return ctx.rows;
}

/**
 * Creates a demo tenant and fills it with `members` members, their orders and touchpoints, streamed
 * with COPY in one transaction (a failure leaves no tenant behind), then computes member stats set-based.
 */
export async function seedDemoTenant(em: EntityManager, databaseUrl: string, options: DemoOptions): Promise<DemoReport> {
  const began = performance.now();
  const end = options.end ?? defaultDemoEnd();
  const { tenant, owner } = await createTenant(em, `Demo shop (seed ${options.seed})`, 'CN');
  const ids = new DemoIds(tenant.id);
  const stores: StoreRef[] = DEMO_STORES.map((store, index) => ({ ...store, index, id: ids.id(IdKind.store, 0, index) }));
  const window = { start: end.getTime() - 730 * DAY, end: end.getTime() };
  const peaks = peaksBetween(window.start, window.end);
  const ctx: DemoContext = {
    seed: options.seed, tenantId: tenant.id, currency: tenant.currency, ids, stores, ...window, peaks,
    campaigns: campaignsOf({ ...window, peaks }), rows: new DemoRows(tenant.id), activity: options.activity !== false,
  };
  const client = new Client({ connectionString: databaseUrl, application_name: 'ecrm-demo' });
  await client.connect();
  const clock = { ms: 0 };
  try {
    const loader = new DemoLoader(client);
    await client.query('set statement_timeout = 0');
    await client.query('begin');
    // The generated rows are consistent by construction; skipping the per-row foreign-key triggers is
    // about a third of COPY's cost. Needs a superuser (the embedded one is); elsewhere they stay on.
    await client.query('savepoint fk');
    await client.query('set local session_replication_role = replica').then(
      () => client.query('release savepoint fk'),
      () => client.query('rollback to savepoint fk'),
    );
    const created = new Date(window.start - 800 * DAY).toISOString();
    for (const store of stores) {
      await client.query('insert into store (id, tenant_id, created_at, code, name, type, region, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $3)', [store.id, tenant.id, created, store.code, store.name, store.type, store.city ?? null]);
    }
    const chunk = options.chunkSize ?? 2_000;
    let pending: Promise<void> = Promise.resolve();
    for (let from = 0; from < options.members; from += chunk) {
      const rows = await generate(ctx, from, Math.min(options.members, from + chunk), clock);
      await pending;
      options.onProgress?.(from);
      pending = loader.copy(rows);
      pending.catch(() => undefined); // surfaced by the next await, not as an unhandled rejection
    }
    await pending;
    await client.query('commit');
    options.onProgress?.(options.members);

    const statsStarted = performance.now();
    await em.transactional(async (tx) => {
      await tx.execute('set local statement_timeout = 0');
      await refreshTenantMemberStats(tx as EntityManager, tenant.id);
    });
    const statsMs = performance.now() - statsStarted;
    const analyzeStarted = performance.now();
    // Fresh planner statistics, so the first API reads of a large demo tenant pick the right plans.
    await client.query(`analyze ${[...DEMO_TABLE_NAMES, 'member_stats'].join(', ')}`);
    return {
      tenantId: tenant.id, tenantName: tenant.name, ownerKey: owner.key, start: new Date(window.start), end,
      tables: { ...loader.tables, member_stats: { rows: options.members, ms: statsMs } },
      generateMs: clock.ms, analyzeMs: performance.now() - analyzeStarted, totalMs: performance.now() - began,
    };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    await client.end().catch(() => undefined);
    await em.execute('delete from tenant where id = ?', [tenant.id]).catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
