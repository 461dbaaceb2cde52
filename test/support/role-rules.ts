import type { GqlResponse, TestApp, TestTenant } from './harness';

/**
 * Who may call each root field. Every root field of the schema must have a row here (a test below
 * fails otherwise), so a new field cannot ship without a decision about who may use it.
 */
export type Caller = 'OWNER' | 'ADMIN' | 'ANALYST' | 'INGEST' | 'MEMBER' | 'ANONYMOUS';
export const CALLERS: Caller[] = ['OWNER', 'ADMIN', 'ANALYST', 'INGEST', 'MEMBER', 'ANONYMOUS'];
export const READERS: Caller[] = ['OWNER', 'ADMIN', 'ANALYST'];
export const WRITERS: Caller[] = ['OWNER', 'ADMIN'];
export const INGESTERS: Caller[] = ['OWNER', 'ADMIN', 'INGEST'];
export const OWNER_ONLY: Caller[] = ['OWNER'];

/** Fresh objects for one call, so an allowed write always has something valid to act on. */
export interface Fixture {
  tenant: TestTenant;
  memberId: string;
  otherMemberId: string;
  storeId: string;
  keyId: string;
  appUserId: string;
  memberToken: string;
  /** A paid order of memberId (2500 CNY); recording it also wrote its touchpoints. */
  orderId: string;
  orderExternalId: string;
}

export interface RootFieldRule {
  /** "Query.members" or "Mutation.memberCreate". */
  field: string;
  allowed: Caller[];
  operation: string;
  variables?: (fx: Fixture) => Record<string, unknown>;
  /** Instead of `variables`: builds what the call needs (a coupon template, points to spend) and returns the variables. */
  prepare?: (t: TestApp, fx: Fixture) => Promise<Record<string, unknown>>;
  /** Instead of HTTP (subscriptions over graphql-ws): runs the operation with the caller's key, answering as t.gql would. */
  run?: (t: TestApp, key: string | undefined, variables: Record<string, unknown>) => Promise<GqlResponse<any>>;
  /** What an allowed caller must get back, beyond "no errors". */
  check: (result: any, fx: Fixture) => void;
}

export const payloadSucceeded = (result: any) => {
  expect(result.userErrors).toEqual([]);
};

let unique = 0;
export const fresh = (what: string) => `${what}-${process.pid}-${++unique}`;

