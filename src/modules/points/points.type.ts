import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Channel } from '../../core/channel.js';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { JSONScalar, MoneyScalar, type MoneyValue } from '../../core/graphql/scalars.js';
import type { Viewer } from '../../core/auth/viewer.js';
import { PointsEntryKind, PointsShortfallPolicy } from './points.enums.js';
import type { PointsEntry } from './points.entity.js';
import type { EntryRow } from './points-ledger.js';

/** The columns an entry node needs, from an entity or a raw row. */
interface EntryData {
  id: string;
  memberId: string;
  kind: PointsEntryKind;
  amount: number;
  balanceAfter: number;
  debtAfter: number;
  reason?: string | null;
  storeId?: string | null;
  channel?: Channel | null;
  orderId?: string | null;
  actor: string;
  breakdown?: Record<string, unknown> | null;
  createdAt: Date;
}

export const entryDataOf = (row: EntryRow): EntryData => ({
  id: row.id,
  memberId: row.member_id,
  kind: row.kind,
  amount: row.amount,
  balanceAfter: row.balance_after,
  debtAfter: row.debt_after,
  reason: row.reason,
  storeId: row.store_id,
  channel: row.channel,
  orderId: row.order_id,
  actor: row.actor,
  breakdown: row.breakdown,
  createdAt: new Date(row.created_at),
});

@ObjectType('PointsEntry', { implements: Node, simpleResolvers: true, description: 'One change to a points account. The ledger is append-only.' })
export class PointsEntryNode extends Node {
  dbId!: string;
  memberDbId!: string;
  storeDbId!: string | null;
  orderDbId!: string | null;

  @Field(() => PointsEntryKind, { description: 'What the change was.' })
  kind!: PointsEntryKind;

  @Field(() => Int, { description: 'Points added (positive) or taken (negative).' })
  amount!: number;

  @Field(() => Int, { description: 'The net balance (spendable minus debt) right after this change.' })
  balanceAfter!: number;

  @Field(() => Int, { description: 'Debt right after this change.' })
  debtAfter!: number;

  @Field(() => String, { nullable: true, description: 'Why: the order, the reward, the administrator’s reason.' })
  reason!: string | null;

  @Field(() => Channel, { nullable: true, description: 'Channel where it happened.' })
  channel!: Channel | null;

  @Field(() => String, { nullable: true, description: 'Who made it: `key:<access key id>`, `member` or `system:<job>`. Null for member tokens.' })
  actor!: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'How the amount came about: rules and multipliers applied, lots consumed, debt repaid or recorded.' })
  breakdown!: Record<string, unknown> | null;

  @Field({ description: 'When it was written.' })
  createdAt!: Date;

  static from(entry: PointsEntry | EntryData, viewer: Viewer): PointsEntryNode {
    return Object.assign(new PointsEntryNode(), {
      id: toGlobalId('PointsEntry', entry.id),
      dbId: entry.id,
      memberDbId: entry.memberId,
      storeDbId: entry.storeId ?? null,
      orderDbId: entry.orderId ?? null,
      kind: entry.kind,
      amount: entry.amount,
      balanceAfter: entry.balanceAfter,
      debtAfter: entry.debtAfter,
      reason: entry.reason ?? null,
      channel: entry.channel ?? null,
      actor: viewer.kind === 'key' ? entry.actor : null,
      breakdown: entry.breakdown ?? null,
      createdAt: entry.createdAt,
    });
  }
}

export const PointsEntryConnection = connectionOf(PointsEntryNode, 'PointsEntry', 'A page of ledger entries, newest first.');
export type PointsEntryConnection = InstanceType<typeof PointsEntryConnection>;

@ObjectType('PointsExpiry', { simpleResolvers: true, description: 'Points that expire together.' })
export class PointsExpiryNode {
  @Field({ description: 'When they expire.' })
  expiresAt!: Date;

  @Field(() => Int, { description: 'How many.' })
  points!: number;
}

@ObjectType('PointsAccount', { description: 'A member’s points.' })
export class PointsAccountNode {
  memberDbId!: string;
  spendable!: number;
  owed!: number;
  policy!: PointsShortfallPolicy;

  @Field(() => Int, {
    description:
      'The balance: what can be spent, minus debt when the tenant shows shortfalls as a negative balance (NEGATIVE_BALANCE); never below zero under DEBT.',
  })
  balance(): number {
    return this.policy === PointsShortfallPolicy.NEGATIVE_BALANCE ? this.spendable - this.owed : this.spendable;
  }

  @Field(() => Int, { description: 'Points that can be redeemed now.' })
  spendablePoints(): number {
    return this.spendable;
  }

  @Field(() => Int, { description: 'Points a refund took back after they were spent; repaid first from future earnings.' })
  debt(): number {
    return this.owed;
  }

  @Field(() => Int, { description: 'Lifetime points earned (net of reversals).' })
  earned!: number;

  @Field(() => Int, { description: 'Lifetime points redeemed.' })
  redeemed!: number;

  @Field(() => Int, { description: 'Lifetime points expired.' })
  expired!: number;

  @Field(() => MoneyScalar, { description: 'What the spendable points are worth at the redemption rate.' })
  moneyValue!: MoneyValue;
}

@ObjectType('PointsLiabilityBucket', { simpleResolvers: true, description: 'Outstanding points in one group.' })
export class PointsLiabilityBucket {
  @Field(() => String, { nullable: true, description: 'The group: an expiry month "YYYY-MM" (null: never expires), or a tier code (null: no tier).' })
  key!: string | null;

  @Field(() => String, { nullable: true, description: 'Tier name, for tier groups.' })
  name!: string | null;

  @Field(() => Int, { description: 'Members with outstanding points in the group.' })
  members!: number;

  @Field(() => Float, { description: 'Outstanding (spendable) points (a whole number; Float because a tenant’s total can pass 2^31).' })
  points!: number;

  @Field(() => MoneyScalar, { description: 'Their money value at the redemption rate.' })
  moneyValue!: MoneyValue;
}

@ObjectType('PointsLiability', { simpleResolvers: true, description: 'What the tenant owes in points, for finance.' })
export class PointsLiability {
  @Field(() => Float, { description: 'All outstanding spendable points (a whole number; Float because it can pass 2^31).' })
  points!: number;

  @Field(() => MoneyScalar, { description: 'Their money value at the redemption rate.' })
  moneyValue!: MoneyValue;

  @Field(() => Float, { description: 'Points members owe back (debts from refunds of spent points), a whole number.' })
  debt!: number;

  @Field(() => [PointsLiabilityBucket], { description: 'By the month the points expire, soonest first; never-expiring last.' })
  byExpiryMonth!: PointsLiabilityBucket[];

  @Field(() => [PointsLiabilityBucket], { description: 'By the members’ current tier.' })
  byTier!: PointsLiabilityBucket[];

  @Field({ description: 'When this was computed.' })
  asOf!: Date;
}
