import { UUIDV7_SQL } from '../../src/modules/campaign/campaign-audience.sql.js';

/**
 * The peer: hand-written SQL doing the product's work for an SMS campaign with no offer, into the same tables
 * (campaign_delivery, outbox_message, touchpoint) under another campaign row. Control group and variant come
 * from the hashes of the *product's* campaign id ($3), so both sides pick the same members and variants and
 * their rows can be compared member by member.
 *
 * Planning, one statement: every ACTIVE member of the tenant joined with its SMS consent; NO_CONSENT, NO_ADDRESS,
 * CONTROL_GROUP (bucket < $5) or QUEUED with variant A (variant bucket < $6) or B. What it leaves out of the
 * product's plan: segments (none here), the frequency cap (no member has a send before), the repurchase-cycle
 * rule (no deep offer) and the duplicate guard (a fresh campaign): none of them changes a row here.
 * $1 tenant, $2 peer campaign, $3 hashing campaign id, $4 now, $5 control cut, $6 variant A cut.
 */
export const PEER_PLAN_SQL = `
insert into campaign_delivery (id, tenant_id, created_at, campaign_id, member_id, occurrence, channel, variant, state, reason, attempts, cost, reward_points)
select ${UUIDV7_SQL}, $1, $4, $2, x.id, '-', 'SMS', case when x.reason is null then case when x.vbucket < $6 then 'A' else 'B' end end,
       case when x.reason is null then 'QUEUED' else 'SUPPRESSED' end, x.reason, 0, 0, 0
  from (select m.id,
               case when not coalesce(c.granted, false) then 'NO_CONSENT'
                    when m.phone is null then 'NO_ADDRESS'
                    when (('x' || substr(md5($3::text || m.id::text), 1, 8))::bit(32)::bigint % 10000)::int < $5 then 'CONTROL_GROUP'
               end as reason,
               (('x' || substr(md5($3::text || '/v/' || m.id::text), 1, 8))::bit(32)::bigint % 10000)::int as vbucket
          from member m
          left join member_consent c on c.member_id = m.id and c.channel = 'SMS' and c.tenant_id = $1
         where m.tenant_id = $1 and m.status = 'ACTIVE') x`;

/** The QUEUED deliveries of campaign $2 with ids in ($3, $4] (all of them with the widest range). */
const RANGE = `d.tenant_id = $1 and d.campaign_id = $2 and d.state = 'QUEUED' and d.id > $3::uuid and d.id <= $4::uuid`;

/**
 * Sending, three statements over the same range of QUEUED deliveries (run in one transaction):
 * the rendered messages into outbox_message, the MESSAGE_SENT touchpoints, the deliveries marked SENT.
 * $5 now, $6 body of variant A, $7 body of variant B, $8 campaign id as text (for the touchpoint properties).
 */
export const PEER_OUTBOX_SQL = `
insert into outbox_message (id, tenant_id, created_at, delivery_id, campaign_id, member_id, channel, recipient, subject, body)
select ${UUIDV7_SQL}, $1, $5, d.id, $2, d.member_id, 'SMS', m.phone, null,
       replace(replace(replace(case d.variant when 'A' then $6 else $7 end,
               '{{name}}', coalesce(m.display_name, '')), '{{points}}', coalesce(pa.balance, 0)::text), '{{tier}}', coalesce(t.name, ''))
  from campaign_delivery d
  join member m on m.tenant_id = $1 and m.id = d.member_id
  left join points_account pa on pa.tenant_id = $1 and pa.member_id = d.member_id
  left join member_tier mt on mt.tenant_id = $1 and mt.member_id = d.member_id
  left join tier t on t.tenant_id = $1 and t.id = mt.tier_id
 where ${RANGE}`;

export const PEER_TOUCHPOINT_SQL = `
insert into touchpoint (id, tenant_id, created_at, member_id, type, channel, occurred_at, source, properties, event_id, delivery_id)
select ${UUIDV7_SQL}, $1, $5, d.member_id, 'MESSAGE_SENT', 'SMS', $5, 'campaign', jsonb_build_object('campaignId', $6::text, 'variant', d.variant),
       'ecrm:sent:' || d.id, d.id
  from campaign_delivery d
 where ${RANGE}`;

export const PEER_SENT_SQL = `
update campaign_delivery d set state = 'SENT', sent_at = $5, attempts = d.attempts + 1, cost = 0
 where ${RANGE}`;

/** The upper id of the next batch: the `$3`-th QUEUED delivery of campaign $2 after id $4 (or the last one). */
export const PEER_NEXT_BATCH_SQL = `
select max(id::text)::uuid as upto from (
  select d.id from campaign_delivery d where d.tenant_id = $1 and d.campaign_id = $2 and d.state = 'QUEUED' and d.id > $4::uuid order by d.id limit $3
) b`;

export const MIN_UUID = '00000000-0000-0000-0000-000000000000';
export const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * Member by member, the product's deliveries and messages against a peer campaign's: deliveries whose state,
 * reason or variant differ (or that one side lacks), and messages whose recipient or body differ (or are missing).
 */
export const COMPARE_SQL = `
with ours as (select member_id, state, reason, variant from campaign_delivery where tenant_id = $1 and campaign_id = $2),
     peer as (select member_id, state, reason, variant from campaign_delivery where tenant_id = $1 and campaign_id = $3),
     om as (select member_id, recipient, body from outbox_message where tenant_id = $1 and campaign_id = $2),
     pm as (select member_id, recipient, body from outbox_message where tenant_id = $1 and campaign_id = $3)
select (select count(*)::int from ours) as ours_deliveries,
       (select count(*)::int from peer) as peer_deliveries,
       (select count(*)::int from ours full join peer using (member_id)
         where ours.state is distinct from peer.state or ours.reason is distinct from peer.reason or ours.variant is distinct from peer.variant) as deliveries_differ,
       (select count(*)::int from om) as ours_messages,
       (select count(*)::int from pm) as peer_messages,
       (select count(*)::int from om full join pm using (member_id)
         where om.recipient is distinct from pm.recipient or om.body is distinct from pm.body) as messages_differ`;

export interface Comparison {
  ours_deliveries: number;
  peer_deliveries: number;
  deliveries_differ: number;
  ours_messages: number;
  peer_messages: number;
  messages_differ: number;
}

/** The first $4 messages by member id of both sides, side by side (hash join: outbox_message has no member index), for the JSON. */
export const SAMPLE_SQL = `
select o.member_id, o.body as ours, p.body as peer
  from (select member_id, body from outbox_message where tenant_id = $1 and campaign_id = $2) o
  join (select member_id, body from outbox_message where tenant_id = $1 and campaign_id = $3) p using (member_id)
 order by o.member_id
 limit $4`;

/**
 * The peer of campaignReports for one campaign: units, reached, converters, revenue, opened and the repurchase
 * counts (units whose member bought before the send, and those of them who converted; "bought before" from the
 * orders themselves, not member_stats) per arm, by hash joins instead of per-delivery probes. Arms as the product draws them (CONTROL, VARIANT by key, NONE by reason;
 * NONE rows get no outcomes). $1 tenant, $2 campaign, $3 attribution days.
 */
export const PEER_REPORT_SQL = `
with d as (
  select d.id, d.member_id, d.state, d.created_at as t0, d.created_at + make_interval(hours => 24 * $3::int) as t1,
         case when d.reason = 'CONTROL_GROUP' then 'CONTROL' when d.variant is not null then 'VARIANT' else 'NONE' end as arm,
         case when d.reason = 'CONTROL_GROUP' then null when d.variant is not null then d.variant else d.reason end as arm_key
    from campaign_delivery d
   where d.tenant_id = $1 and d.campaign_id = $2
), w as (
  select d.id, sum((o.total - o.refunded_amount)::numeric) as revenue
    from d
    join orders o on o.tenant_id = $1 and o.member_id = d.member_id and o.placed_at >= d.t0 and o.placed_at < d.t1
   where d.arm <> 'NONE' and o.status in ('PAID', 'PARTIALLY_REFUNDED')
   group by d.id
), f as (
  select o.member_id, min(o.placed_at) as first_at
    from orders o
   where o.tenant_id = $1 and o.status in ('PAID', 'PARTIALLY_REFUNDED')
   group by o.member_id
), e as (
  select distinct tp.delivery_id
    from touchpoint tp
   where tp.tenant_id = $1 and tp.type = 'MESSAGE_OPENED' and tp.delivery_id in (select id from d where arm <> 'NONE')
)
select d.arm, d.arm_key, count(*)::int as units, count(*) filter (where d.state = 'SENT')::int as reached,
       count(w.id)::int as converters, coalesce(sum(w.revenue), 0)::text as revenue, count(e.delivery_id)::int as opened,
       count(*) filter (where f.first_at < d.t0)::int as prior_buyers, count(w.id) filter (where f.first_at < d.t0)::int as prior_converted
  from d
  left join w on w.id = d.id
  left join e on e.delivery_id = d.id
  left join f on f.member_id = d.member_id
 group by d.arm, d.arm_key
 order by d.arm, d.arm_key`;

export interface PeerArm {
  arm: 'CONTROL' | 'VARIANT' | 'NONE';
  arm_key: string | null;
  units: number;
  reached: number;
  converters: number;
  revenue: string;
  opened: number;
  prior_buyers: number;
  prior_converted: number;
}
