import { LockMode } from '@mikro-orm/core';
import { randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { pgArray } from '../../core/db/named-sql.js';
import { CouponTemplate } from '../coupon/coupon.entity.js';
import { CouponKind, CouponSource } from '../coupon/coupon.enums.js';
import { couponCode, couponValidity } from '../coupon/coupon-issue.js';
import { expiryOf, loadProgram } from '../points/loyalty-program.js';
import { earn, ensureAccounts } from '../points/points-ledger.js';
import { PointsEntryKind } from '../points/points.enums.js';
import { SYSTEM_KEY_PREFIX } from '../points/points-request.js';
import { CampaignOfferKind, DeliveryState, SuppressionReason } from './campaign.enums.js';
import { CampaignPrize, type Campaign } from './campaign.entity.js';
import type { CampaignSettings } from './campaign-settings.entity.js';

/** A delivery about to be sent. */
export interface SendRow {
  id: string;
  member_id: string;
}

/** Whether the campaign's offer takes off at least the tenant's deep-discount percent (amounts: of min spend, else of the average order). */
export async function deepOffer(em: EntityManager, campaign: Campaign, settings: CampaignSettings): Promise<boolean> {
  const templateIds =
    campaign.offer.kind === CampaignOfferKind.COUPON && campaign.offer.couponTemplateId
      ? [campaign.offer.couponTemplateId]
      : campaign.offer.kind === CampaignOfferKind.LOTTERY
        ? (await em.find(CampaignPrize, { campaignId: campaign.id, tenantId: campaign.tenantId }, { filters: false })).map((prize) => prize.couponTemplateId).filter((id): id is string => !!id)
        : [];
  if (!templateIds.length) return false;
  const templates = await em.find(CouponTemplate, { id: { $in: templateIds }, tenantId: campaign.tenantId }, { filters: false });
  let averageOrder: number | null = null;
  for (const template of templates) {
    if (template.kind === CouponKind.PERCENT_OFF && template.percentOff >= settings.deepDiscountPercent) return true;
    if (template.kind !== CouponKind.AMOUNT_OFF) continue;
    if (template.minSpend > 0) {
      if (template.amountOff * 100 >= settings.deepDiscountPercent * template.minSpend) return true;
      continue;
    }
    averageOrder ??= Number(
      (
        await boundRows<{ average: string | null }>(
          em,
          `select avg(total) as average from orders where tenant_id = ? and status in ('PAID', 'PARTIALLY_REFUNDED') and placed_at > now() - interval '365 days'`,
          [campaign.tenantId],
        )
      )[0]?.average ?? 0,
    );
    if (averageOrder > 0 && template.amountOff * 100 >= settings.deepDiscountPercent * averageOrder) return true;
  }
  return false;
}

async function suppress(em: EntityManager, tenantId: string, ids: string[], reason: SuppressionReason): Promise<void> {
  if (!ids.length) return;
  await boundRows(em, `update campaign_delivery set state = '${DeliveryState.SUPPRESSED}', reason = ? where tenant_id = ? and id = any(?::uuid[])`, [reason, tenantId, pgArray(ids)]);
}

/**
 * Issues one coupon of the template to each row, set-based, inside the send transaction: stock is taken
 * under the template's row lock (what is left goes to the first rows). Rows that get none (members at the
 * per-member limit, rows beyond the stock, a template switched off or ended) are SUPPRESSED
 * (OFFER_UNAVAILABLE) when `refused` is 'suppress', or left to be sent without it. Returns the rows that got a coupon.
 */
export async function issueCampaignCoupons(em: EntityManager, tenantId: string, templateId: string, rows: SendRow[], now: Date, refused: 'suppress' | 'send' = 'suppress'): Promise<SendRow[]> {
  if (!rows.length) return rows;
  const refuse = (ids: string[]) => (refused === 'suppress' ? suppress(em, tenantId, ids, SuppressionReason.OFFER_UNAVAILABLE) : Promise.resolve());
  const [template] = await boundRows<{ id: string }>(em, 'select id from coupon_template where tenant_id = ? and id = ? for update', [tenantId, templateId]);
  const entity = template ? await em.findOne(CouponTemplate, { id: templateId, tenantId }, { filters: false, refresh: true }) : null;
  const live = entity && entity.active && (!entity.validUntil || entity.validUntil > now);
  if (!entity || !live) {
    await refuse(rows.map((row) => row.id));
    return [];
  }
  const held = new Map(
    (
      await boundRows<{ member_id: string; n: number }>(em, 'select member_id, count(*)::int as n from coupon where tenant_id = ? and template_id = ? and member_id = any(?::uuid[]) group by member_id', [
        tenantId,
        templateId,
        pgArray(rows.map((row) => row.member_id)),
      ])
    ).map((row) => [row.member_id, row.n]),
  );
  const room = entity.totalStock == null ? Infinity : Math.max(entity.totalStock - entity.issuedCount, 0);
  const granted: SendRow[] = [];
  const missed: string[] = [];
  for (const row of rows) {
    const count = held.get(row.member_id) ?? 0;
    if (count >= entity.perMemberLimit || granted.length >= room) missed.push(row.id);
    else {
      granted.push(row);
      held.set(row.member_id, count + 1);
    }
  }
  await refuse(missed);
  if (!granted.length) return granted;
  const { validFrom, validUntil } = couponValidity(entity, now);
  await boundRows(em, 'update coupon_template set issued_count = issued_count + ?, updated_at = ? where tenant_id = ? and id = ?', [granted.length, now, tenantId, templateId]);
  // Codes are unique per tenant; a collision (about 2^-59 per pair) fails the batch, which is retried whole.
  await boundRows(
    em,
    `with issued as (
       insert into coupon (id, tenant_id, created_at, template_id, member_id, code, state, source, valid_from, valid_until, idempotency_key)
       select gen_random_uuid(), ?, ?, ?, g.member_id, g.code, 'ISSUED', '${CouponSource.CAMPAIGN}', ?, ?, 'ecrm:campaign:' || g.delivery_id
         from unnest(?::uuid[], ?::uuid[], ?::text[]) as g(delivery_id, member_id, code)
       returning id, idempotency_key
     )
     update campaign_delivery d set coupon_id = issued.id from issued
      where d.tenant_id = ? and d.id = substr(issued.idempotency_key, 15)::uuid`,
    [
      tenantId,
      now,
      templateId,
      validFrom,
      validUntil,
      pgArray(granted.map((row) => row.id)),
      pgArray(granted.map((row) => row.member_id)),
      pgArray(granted.map(() => couponCode())),
      tenantId,
    ],
  );
  return granted;
}

/** Credits the campaign's points to each row (ADJUST entries keyed by delivery, so a retried batch credits nothing twice). */
export async function creditCampaignPoints(em: EntityManager, campaign: Campaign, rows: { id: string; member_id: string; points: number }[], now: Date): Promise<void> {
  if (!rows.length) return;
  const program = await loadProgram(em, campaign.tenantId);
  await ensureAccounts(em, campaign.tenantId, rows.map((row) => row.member_id));
  for (const row of rows) {
    const key = `${SYSTEM_KEY_PREFIX}campaign:${row.id}`;
    await earn(em, {
      tenantId: campaign.tenantId,
      memberId: row.member_id,
      kind: PointsEntryKind.ADJUST,
      points: row.points,
      reason: `campaign: ${campaign.name}`.slice(0, 200),
      actor: `campaign:${campaign.id}`,
      idempotencyKey: key,
      requestHash: key,
      expiresAt: expiryOf(program, now),
      at: now,
    });
  }
  await boundRows(
    em,
    'update campaign_delivery d set reward_points = g.points from unnest(?::uuid[], ?::int[]) as g(id, points) where d.tenant_id = ? and d.id = g.id',
    [pgArray(rows.map((row) => row.id)), pgArray(rows.map((row) => row.points)), campaign.tenantId],
  );
}

/**
 * LOTTERY: one draw per row by weight among the prizes with stock left (stock taken under the prizes'
 * row locks). A coupon prize a member cannot get (limit, template stock) is not awarded and its stock
 * is returned. Rows that win nothing are sent without a prize; the {{prize}} variable is then empty.
 */
export async function drawPrizes(em: EntityManager, campaign: Campaign, rows: SendRow[], now: Date): Promise<SendRow[]> {
  const prizes = await em.find(CampaignPrize, { campaignId: campaign.id, tenantId: campaign.tenantId }, { filters: false, orderBy: { key: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  const left = new Map(prizes.map((prize) => [prize.key, prize.stock == null ? Infinity : prize.stock - prize.awarded]));
  const won = new Map<string, SendRow[]>();
  for (const row of rows) {
    const open = prizes.filter((prize) => left.get(prize.key)! > 0);
    const total = open.reduce((sum, prize) => sum + prize.weight, 0);
    if (!total) break;
    let pick = randomInt(total);
    const prize = open.find((candidate) => (pick -= candidate.weight) < 0)!;
    left.set(prize.key, left.get(prize.key)! - 1);
    won.set(prize.key, [...(won.get(prize.key) ?? []), row]);
  }
  for (const prize of prizes) {
    const winners = won.get(prize.key) ?? [];
    if (!winners.length) continue;
    const awarded = prize.couponTemplateId ? await issueCampaignCoupons(em, campaign.tenantId, prize.couponTemplateId, winners, now, 'send') : winners;
    if (prize.points) await creditCampaignPoints(em, campaign, awarded.map((row) => ({ ...row, points: prize.points! })), now);
    prize.awarded += awarded.length;
    await boundRows(em, 'update campaign_delivery set prize = ? where tenant_id = ? and id = any(?::uuid[])', [prize.key, campaign.tenantId, pgArray(awarded.map((row) => row.id))]);
  }
  await em.flush();
  return rows;
}

/** Applies the offer to rows about to be sent; returns the rows that are still to be sent. */
export async function grantOffer(em: EntityManager, campaign: Campaign, rows: SendRow[], now: Date): Promise<SendRow[]> {
  switch (campaign.offer.kind) {
    case CampaignOfferKind.COUPON:
      return issueCampaignCoupons(em, campaign.tenantId, campaign.offer.couponTemplateId!, rows, now);
    case CampaignOfferKind.POINTS_BONUS:
      await creditCampaignPoints(em, campaign, rows.map((row) => ({ ...row, points: campaign.offer.points! })), now);
      return rows;
    case CampaignOfferKind.LOTTERY:
      return drawPrizes(em, campaign, rows, now);
    default:
      return rows;
  }
}
