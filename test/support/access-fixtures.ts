import { randomUUID } from 'node:crypto';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  AccessTenantSnapshotDocument,
  MemberConsentSetDocument,
  MemberCreateDocument,
  StoreCreateDocument,
  type MemberCreateInput,
  type StoreCreateInput,
} from '../generated/graphql';
import { signMemberToken } from '../../src/core/auth/member-token';
import { dataOf, type GqlResponse, type TestApp, type TestTenant } from './harness';

/** Factories and checks shared by the access, role and tenancy tests. */

let sequence = 0;
const next = () => `${process.pid}-${++sequence}`;

/** A well-formed global id of `type` that names nothing. */
export function missingId(type: string): string {
  return Buffer.from(`${type}:${randomUUID()}`, 'utf8').toString('base64url');
}

export async function createMember(t: TestApp, key: string, overrides: Partial<MemberCreateInput> = {}): Promise<string> {
  const response = await t.gql(MemberCreateDocument, { input: { displayName: `Member ${next()}`, ...overrides } }, { key });
  const payload = dataOf(response).memberCreate;
  if (payload.userErrors.length || !payload.member) throw new Error(`memberCreate failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.member.id;
}

export async function createStore(t: TestApp, key: string, overrides: Partial<StoreCreateInput> = {}): Promise<string> {
  const code = `store-${next()}`;
  const response = await t.gql(StoreCreateDocument, { input: { code, name: code, type: 'OFFLINE_STORE', ...overrides } }, { key });
  const payload = dataOf(response).storeCreate;
  if (payload.userErrors.length || !payload.store) throw new Error(`storeCreate failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.store.id;
}

export async function grantConsent(t: TestApp, key: string, memberId: string, channel: 'SMS' | 'EMAIL' | 'PUSH' | 'CHAT', granted = true) {
  const payload = dataOf(await t.gql(MemberConsentSetDocument, { input: { memberId, channel, granted, source: 'checkout' } }, { key })).memberConsentSet;
  if (payload.userErrors.length) throw new Error(`memberConsentSet failed: ${JSON.stringify(payload.userErrors)}`);
}

/** Everything the API shows of a tenant, read with its OWNER key: compare two to prove nothing changed. */
export async function snapshot(t: TestApp, tenant: TestTenant) {
  return dataOf(await t.gql(AccessTenantSnapshotDocument, {}, { key: tenant.keys.OWNER }));
}

/** The tenant's member-token secret, as stored. */
export async function tokenSecretOf(t: TestApp, tenantId: string): Promise<string> {
  const rows = await t.orm.em.getConnection().execute<{ token_secret: string }[]>('select token_secret from tenant where id = ?', [tenantId]);
  const secret = rows[0]?.token_secret;
  if (!secret) throw new Error(`tenant ${tenantId} has no token secret`);
  return secret;
}

/** A member token signed directly, bypassing the API (for forged, foreign and expired tokens). */
export function memberToken(secret: string, tenantId: string, memberGlobalId: string, expiresAt: Date): string {
  const memberId = Buffer.from(memberGlobalId, 'base64url').toString('utf8').split(':')[1]!;
  return signMemberToken(secret, { tenantId, memberId, expiresAt });
}

/** The single error code of a response that must have failed. */
export function onlyErrorCode(response: GqlResponse<unknown>): unknown {
  const codes = (response.body.errors ?? []).map((error) => error.extensions?.code);
  return codes.length === 1 ? codes[0] : codes;
}

/**
 * A graphql-ws client authenticated with `key` in connectionParams, kept on one connection between
 * operations (no reconnect, which would authenticate afresh); the caller disposes it.
 */
export function openSocket(t: TestApp, key: string): WsClient {
  return createClient({
    url: t.wsUrl,
    webSocketImpl: WebSocket,
    // Connected until disposed, so several operations share one socket. (A lazy client's close timer outlives
    // dispose() and keeps the test worker alive.) A refused connection is reported by the operation that follows.
    lazy: false,
    onNonLazyError: () => undefined,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${key}` },
  });
}

/** One operation over a socket: its result, or the error codes that refused it before execution. */
export function overSocket(client: WsClient, query: string): Promise<{ data?: unknown; codes: unknown[] }> {
  const codeOf = (error: unknown) => (error as { extensions?: { code?: unknown } }).extensions?.code;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no WebSocket answer within 5 s')), 5_000);
    client.subscribe(
      { query },
      {
        next: (result) => {
          clearTimeout(timer);
          resolve({ data: result.data, codes: (result.errors ?? []).map(codeOf) });
        },
        error: (error) => {
          clearTimeout(timer);
          if (Array.isArray(error)) resolve({ codes: error.map(codeOf) });
          else reject(error);
        },
        complete: () => undefined,
      },
    );
  });
}
