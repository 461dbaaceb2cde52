/**
 * The hand-written statements the segment benchmark compares the product with: what a careful engineer would
 * write for each result directly, with no language in between. $1 is always the tenant id.
 */

/** The benchmark's four-clause query in the segment language. */
export const SEGMENT_QUERY = "rfm_group IN ('CHAMPIONS', 'LOYAL', 'CANNOT_LOSE') AND last_order_date < -30d AND net_spent >= 500.00 AND consent.sms = GRANTED";

/** The same members, hand-written: $2 = start of the day 30 days ago, $3 = 50000 (500.00 in cents). */
const MATCHING = `
  from member m
  join member_rfm r on r.member_id = m.id
  join member_stats s on s.member_id = m.id
  join member_consent c on c.member_id = m.id and c.channel = 'SMS' and c.granted
 where m.tenant_id = $1 and m.status = 'ACTIVE'
   and r."group" in ('CHAMPIONS', 'LOYAL', 'CANNOT_LOSE') and s.last_order_at < $2 and s.net_spend >= $3`;

export const COUNT_SQL = `select count(*)::int as count ${MATCHING}`;
export const PAGE_SQL = `select m.id ${MATCHING} order by m.id limit 50`;

export const PEER_TABLES = `
  create table bench_segment_member (member_id uuid primary key, entered_at timestamptz not null);
  create table bench_segment_movement (id bigserial primary key, member_id uuid not null, kind text not null, at timestamptz not null);
  create table bench_rfm (member_id uuid primary key, r smallint not null, f smallint not null, m smallint not null, cell text not null, grp text not null);
  create index on bench_rfm (grp);`;

/** Materialises the segment into the peer tables: entries, exits, a movement each; $2, $3 as above. */
export const REFRESH_SQL = `
with target as materialized (select m.id ${MATCHING}),
entered as (
  insert into bench_segment_member (member_id, entered_at) select id, now() from target
  on conflict do nothing returning member_id
), exited as (
  delete from bench_segment_member b where not exists (select 1 from target t where t.id = b.member_id) returning member_id
), moved as (
  insert into bench_segment_movement (member_id, kind, at)
  select member_id, 'ENTERED', now() from entered union all select member_id, 'EXITED', now() from exited
)
select (select count(*) from entered)::int as entered, (select count(*) from exited)::int as exited`;

/** RFM scores of every buyer in the last 365 days into bench_rfm; $2 = now. */
export const RFM_SQL = `
insert into bench_rfm (member_id, r, f, m, cell, grp)
select member_id, r, f, m, r || '-' || f || '-' || m,
       case when r = 5 and fm >= 4 then 'CHAMPIONS' when r in (3, 4) and fm >= 4 then 'LOYAL'
            when r >= 4 and fm in (2, 3) then 'POTENTIAL_LOYALIST' when r = 5 then 'NEW' when r = 4 then 'PROMISING'
            when r = 3 and fm = 3 then 'NEEDS_ATTENTION' when r = 3 then 'ABOUT_TO_SLEEP' when fm = 5 then 'CANNOT_LOSE'
            when fm >= 3 then 'AT_RISK' when r = 2 then 'HIBERNATING' else 'LOST' end
  from (
    select member_id, r, f, m, (f + m + 1) / 2 as fm from (
      select member_id,
             least(5, 1 + floor(5 * percent_rank() over (order by last_at)))::int as r,
             least(5, 1 + floor(5 * percent_rank() over (order by n)))::int as f,
             least(5, 1 + floor(5 * percent_rank() over (order by spend)))::int as m
        from (select o.member_id, max(o.placed_at) as last_at, count(*) as n, sum(o.total - o.refunded_amount) as spend
                from orders o join member mb on mb.id = o.member_id and mb.status = 'ACTIVE'
               where o.tenant_id = $1 and o.status in ('PAID', 'PARTIALLY_REFUNDED') and o.placed_at >= $2::timestamptz - interval '365 days' and o.placed_at <= $2
               group by o.member_id) buyers
    ) scored
  ) grouped
on conflict (member_id) do update set r = excluded.r, f = excluded.f, m = excluded.m, cell = excluded.cell, grp = excluded.grp`;

export const RFM_CELLS_PRODUCT = `select cell, count(*)::int as n from member_rfm where tenant_id = $1 group by cell order by cell`;
export const RFM_CELLS_PEER = `select cell, count(*)::int as n from bench_rfm group by cell order by cell`;
