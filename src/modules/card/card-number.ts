import { randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** The Luhn check digit of a digit string, so a mistyped card number is caught at the till. */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** A random 16-digit card number (no leading zero) ending in its Luhn digit. */
export function newCardNumber(): string {
  let body = String(1 + randomInt(9));
  for (let i = 0; i < 14; i++) body += String(randomInt(10));
  return body + luhnDigit(body);
}

/** Each member's card number: its oldest MEMBER_CARD identity (a physical card bound by the merchant counts). */
export async function cardNumbers(em: EntityManager, tenantId: string, memberIds: string[]): Promise<Map<string, string>> {
  const rows = await em.execute<{ member_id: string; external_id: string }[]>(
    `select distinct on (member_id) member_id, external_id from member_identity
      where tenant_id = ? and channel = 'MEMBER_CARD' and member_id in (?) order by member_id, created_at, id`,
    [tenantId, memberIds],
  );
  return new Map(rows.map((row) => [row.member_id, row.external_id]));
}

/**
 * Issues card numbers to active members that have none, in one transaction: the member rows are locked
 * first, so two first reads of one card end with one number. A number another member holds (odds of 1 in
 * 10^15 per pair) is simply drawn again.
 */
export async function issueCardNumbers(em: EntityManager, tenantId: string, memberIds: string[]): Promise<Map<string, string>> {
  return em.transactional(async (tx) => {
    const active = await tx.execute<{ id: string }[]>(
      `select id from member where tenant_id = ? and id in (?) and status = 'ACTIVE' order by id for no key update`,
      [tenantId, memberIds],
    );
    const numbers = await cardNumbers(tx, tenantId, active.map((row) => row.id));
    for (let attempt = 0; attempt < 3; attempt++) {
      const missing = active.map((row) => row.id).filter((id) => !numbers.has(id));
      if (!missing.length) break;
      const fresh = missing.map((memberId) => ({ member_id: memberId, external_id: newCardNumber() }));
      const won = await tx.execute<{ member_id: string; external_id: string }[]>(
        `insert into member_identity (id, tenant_id, created_at, member_id, channel, external_id)
         select gen_random_uuid(), ?, now(), member_id, 'MEMBER_CARD', external_id from jsonb_to_recordset(?::jsonb) as f(member_id uuid, external_id text)
         on conflict (tenant_id, channel, external_id) do nothing
         returning member_id, external_id`,
        [tenantId, JSON.stringify(fresh)],
      );
      for (const row of won) numbers.set(row.member_id, row.external_id);
    }
    return numbers;
  });
}
