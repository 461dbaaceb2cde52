/** The nested read under test, as a client would send it. */
export const MEMBERS_NESTED_QUERY = `query MembersNested {
  members(first: 50) {
    edges { node { id displayName tags identities { channel externalId } consents { channel granted } registeredStore { id name } } }
  }
}`;

/**
 * The limit: the same rows as one hand-written statement, JSON built by PostgreSQL. The page is the
 * API's default order (created_at, id) over ACTIVE members; children in the API's order.
 * Returned as text: the HTTP load generator does not parse bodies either.
 */
export const MEMBERS_NESTED_SQL = `
with page as (
  select m.id, m.display_name, m.registered_store_id, m.created_at
    from member m
   where m.tenant_id = $1 and m.status = 'ACTIVE'
   order by m.created_at, m.id
   limit $2
)
select coalesce(json_agg(json_build_object(
         'id', p.id,
         'displayName', p.display_name,
         'tags', coalesce((select json_agg(t.tag order by t.tag) from member_tag t where t.member_id = p.id), '[]'),
         'identities', coalesce((select json_agg(json_build_object('channel', i.channel, 'externalId', i.external_id) order by i.created_at, i.id)
                                   from member_identity i where i.member_id = p.id), '[]'),
         'consents', coalesce((select json_agg(json_build_object('channel', c.channel, 'granted', c.granted) order by c.channel)
                                 from member_consent c where c.member_id = p.id), '[]'),
         'registeredStore', (select json_build_object('id', s.id, 'name', s.name) from store s where s.id = p.registered_store_id)
       ) order by p.created_at, p.id), '[]')::text as members
  from page p`;

interface Row {
  id: string;
  displayName: string | null;
  tags: string[];
  identities: { channel: string; externalId: string }[];
  consents: { channel: string; granted: boolean }[];
  registeredStore: { id: string; name: string } | null;
}

interface ApiBody {
  data?: { members: { edges: { node: Row }[] } };
  errors?: unknown[];
}

const dbId = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1] ?? globalId;

/** Both answers in one comparable shape: database ids, the store by name only. */
function normalise(rows: Row[]): string {
  return JSON.stringify(
    rows.map((row) => ({ ...row, id: row.id.includes('-') ? row.id : dbId(row.id), registeredStore: row.registeredStore?.name ?? null })),
  );
}

/** The members of an API response; throws on GraphQL errors. */
export function apiRows(text: string): Row[] {
  const body = JSON.parse(text) as ApiBody;
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data.members.edges.map((edge) => edge.node);
}

/** Throws unless the API and the raw SQL return the same rows (a benchmark of different work is void). */
export function assertSameRows(apiText: string, sqlText: string, expected: number): void {
  const api = apiRows(apiText);
  const sql = JSON.parse(sqlText) as Row[];
  if (api.length !== expected) throw new Error(`API returned ${api.length} members, expected ${expected}`);
  if (normalise(api) !== normalise(sql)) throw new Error('API and raw SQL returned different rows');
}
