import { MemberCreateDocument, MemberIdentityBindDocument, MemberMergeDocument, MemberTagsAddDocument } from './generated/graphql';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

async function member(name: string): Promise<string> {
  const created = dataOf(await t.gql(MemberCreateDocument, { input: { displayName: name } }, { key: tenant.keys.ADMIN }));
  return created.memberCreate.member!.id;
}

test('writes racing a merge never leave rows on the merged record', async () => {
  for (let round = 0; round < 8; round++) {
    const [survivor, merged] = await Promise.all([member(`keep ${round}`), member(`drop ${round}`)]);
    const key = tenant.keys.ADMIN;
    const [merge, bind, tag] = await Promise.all([
      t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key }),
      t.gql(MemberIdentityBindDocument, { input: { memberId: merged, channel: 'APP_USER', externalId: `race-${round}` } }, { key }),
      t.gql(MemberTagsAddDocument, { input: { id: merged, tags: [`race-${round}`] } }, { key }),
    ]);
    expect(dataOf(merge).memberMerge.userErrors).toEqual([]);
    // Each write either landed before the merge (and moved with it), or was refused as MEMBER_MERGED,
    // or (resolving the merged id after the merge) went to the survivor. Never lost, never stranded.
    for (const errors of [dataOf(bind).memberIdentityBind.userErrors, dataOf(tag).memberTagsAdd.userErrors]) {
      expect(errors.map((e) => e.code).filter((c) => c !== 'MEMBER_MERGED')).toEqual([]);
    }
    const stranded = await t.orm.em.getConnection().execute<{ n: string }[]>(
      `select (select count(*) from member_identity where member_id = m.id) + (select count(*) from member_tag where member_id = m.id) as n
         from member m where m.status = 'MERGED'`,
    );
    expect(stranded.every((row) => Number(row.n) === 0)).toBe(true);
    const bound = dataOf(bind).memberIdentityBind.userErrors.length === 0;
    const owner = await t.orm.em.getConnection().execute<{ member_id: string }[]>('select member_id from member_identity where external_id = ?', [`race-${round}`]);
    expect(owner.length).toBe(bound ? 1 : 0);
  }
});
