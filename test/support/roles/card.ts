import type { RootFieldRule } from '../role-rules';
import { tokenSecretOf } from '../access-fixtures';
import { signCardCode } from '../../../src/modules/card/card-code';

/** Who may turn a scanned card code into a member: the store's systems and administrators. */
export const CARD_RULES: RootFieldRule[] = [
  {
    field: 'Query.memberByCardCode',
    allowed: ['OWNER', 'ADMIN', 'INGEST'],
    operation: 'query($code: String!) { memberByCardCode(code: $code) { status member { id } } }',
    // A genuine but expired code, signed outside the API: reading a card through the API would issue its
    // number, a write the "refused call changes nothing" snapshot would see. VALID scans: card*.test.ts.
    prepare: async (t, fx) => ({ code: signCardCode(await tokenSecretOf(t, fx.tenant.id), '4000000000000002', new Date(Date.now() - 1_000)) }),
    check: (result) => expect(result).toEqual({ status: 'EXPIRED', member: null }),
  },
];
