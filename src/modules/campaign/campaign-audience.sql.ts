import { ConsentChannel, IdentityChannel } from '../member/member.enums.js';
import { LifecycleStage } from '../lifecycle/lifecycle.enums.js';

/** Statement timeout of the sender's planning and batches (requests keep ECRM_STATEMENT_TIMEOUT_MS). */
export const BACKGROUND_STATEMENT_TIMEOUT = '10min';

/** A UUIDv7 made in SQL (time-ordered, like the ids the application makes), for set-based inserts. */
export const UUIDV7_SQL = `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

/** Stages inside the normal repurchase cycle: deep discounts skip them unless the campaign opts in. */
export const IN_CYCLE_STAGES = [LifecycleStage.NEW, LifecycleStage.ACTIVE, LifecycleStage.REACTIVATED];

const IDENTITY_OF: Partial<Record<ConsentChannel, IdentityChannel>> = {
  [ConsentChannel.PUSH]: IdentityChannel.APP_USER,
  [ConsentChannel.CHAT]: IdentityChannel.WECHAT_OPENID,
};

/**
 * The member's address on a channel, as SQL over a row with `member_id`, `phone` and `email`
 * (the member's columns): phone for SMS, e-mail for EMAIL, the newest app-user id for PUSH and the
 * newest chat open id for CHAT. Null when the member has none.
 */
export function addressSql(channel: ConsentChannel, row: string): string {
  if (channel === ConsentChannel.SMS) return `${row}.phone`;
  if (channel === ConsentChannel.EMAIL) return `${row}.email`;
  return `(select i.external_id from member_identity i where i.tenant_id = :tenantId and i.member_id = ${row}.member_id and i.channel = '${IDENTITY_OF[channel]}' order by i.created_at desc, i.id desc limit 1)`;
}

/** Messages the member got on the channel since :capSince (any campaign), as SQL over a row with `member_id`. */
export const recentSendsSql = (row: string) =>
  `(select count(*) from campaign_delivery x where x.tenant_id = :tenantId and x.member_id = ${row}.member_id and x.channel = :channel and x.sent_at > :capSince)::int`;

/**
 * Hash buckets 0..9999 of a member within a campaign: the control group is the buckets under
 * controlPercent x 100, so a member's side never changes for that campaign; variants use a second hash.
 */
export const bucketSql = (salt: string, row: string) => `(('x' || substr(md5(:campaignId || '${salt}' || ${row}.member_id::text), 1, 8))::bit(32)::bigint % 10000)::int`;

/** Every active member of the include segments (or of the tenant) outside the exclude segments; the source of one-off runs. */
export const AUDIENCE_SQL = `
  select m.id as member_id, :occurrence::text as occurrence from member m
   where m.tenant_id = :tenantId and m.status = 'ACTIVE'
     and (cardinality(:include::uuid[]) = 0
          or exists (select 1 from segment_member sm where sm.tenant_id = :tenantId and sm.segment_id = any(:include::uuid[]) and sm.member_id = m.id))`;

/** Filters a trigger's (member_id, occurrence) rows by the campaign's audience. */
export const IN_AUDIENCE_SQL = `
  (cardinality(:include::uuid[]) = 0
   or exists (select 1 from segment_member sm where sm.tenant_id = :tenantId and sm.segment_id = any(:include::uuid[]) and sm.member_id = s.member_id))
  and not exists (select 1 from segment_member sm where sm.tenant_id = :tenantId and sm.segment_id = any(:exclude::uuid[]) and sm.member_id = s.member_id)`;
