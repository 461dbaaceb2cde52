import {
  MemberPointsDocument,
  PointsAdjustDocument,
  PointsEarnDocument,
  PointsRedeemDocument,
  type PointsAdjustInput,
  type PointsEarnInput,
  type PointsRedeemInput,
} from '../generated/graphql';
import { dataOf, type TestApp } from './harness';
import { nextId } from './activity-fixtures';

/** Factories and checks for the points tests. */

export async function tryEarn(t: TestApp, key: string, memberId: string, points: number, overrides: Partial<PointsEarnInput> = {}) {
  const input = { memberId, points, reason: 'review bonus', idempotencyKey: nextId('earn'), ...overrides };
  return dataOf(await t.gql(PointsEarnDocument, { input }, { key })).pointsEarn;
}

export async function earnPoints(t: TestApp, key: string, memberId: string, points: number, overrides: Partial<PointsEarnInput> = {}) {
  const payload = await tryEarn(t, key, memberId, points, overrides);
  if (payload.userErrors.length || !payload.entry) throw new Error(`pointsEarn failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.entry;
}

export async function tryRedeem(t: TestApp, key: string, input: Partial<PointsRedeemInput> & { memberId: string }) {
  const full: PointsRedeemInput = { purpose: 'REWARD', reward: 'tote bag', idempotencyKey: nextId('redeem'), ...input };
  return dataOf(await t.gql(PointsRedeemDocument, { input: full }, { key })).pointsRedeem;
}

export async function tryAdjust(t: TestApp, key: string, input: Partial<PointsAdjustInput> & { memberId: string; points: number }) {
  const full: PointsAdjustInput = { reason: 'goodwill', idempotencyKey: nextId('adjust'), ...input };
  return dataOf(await t.gql(PointsAdjustDocument, { input: full }, { key })).pointsAdjust;
}

/** The member's account and the whole ledger (all pages), read through the API. */
export async function pointsOf(t: TestApp, key: string, memberId: string) {
  const entries: { id: string; kind: string; amount: number; balanceAfter: number; debtAfter: number; breakdown?: unknown; reason?: string | null; channel?: string | null; store?: { id: string } | null; order?: { id: string; externalId: string } | null }[] = [];
  let after: string | null | undefined;
  let account;
  do {
    const member = dataOf(await t.gql(MemberPointsDocument, { id: memberId, first: 250, after }, { key })).member!;
    account = member.pointsAccount;
    entries.push(...member.pointsHistory.nodes);
    after = member.pointsHistory.pageInfo.hasNextPage ? member.pointsHistory.pageInfo.endCursor : null;
  } while (after);
  return { account, entries, ledgerSum: entries.reduce((sum, entry) => sum + entry.amount, 0) };
}
