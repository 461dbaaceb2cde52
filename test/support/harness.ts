import 'reflect-metadata';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { print, type DocumentNode } from 'graphql';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig, type Config } from '../../src/app/config';
import { startApp, type RunningApp } from '../../src/app/app';
import { Role } from '../../src/core/auth/role';
import { issueAccessKey } from '../../src/modules/access-key/access-key.service';
import { createTenant } from '../../src/modules/tenant/tenant.service';

export interface GqlResponse<T> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[] };
}

export interface TestTenant {
  id: string;
  keys: Record<Role, string>;
}

export interface TestApp {
  url: string;
  wsUrl: string;
  app: RunningApp;
  orm: MikroORM;
  databaseUrl: string;
  /** Sends one GraphQL operation over HTTP, as a client would. */
  gql<T = any, V = Record<string, unknown>>(document: TypedDocumentNode<T, V> | DocumentNode | string, variables?: V, options?: { key?: string; headers?: Record<string, string> }): Promise<GqlResponse<T>>;
  /** A tenant with one key per role. */
  tenant(name?: string): Promise<TestTenant>;
  /** Runs fn and counts the SQL statements the ORM sent meanwhile. */
  countSql<R>(fn: () => Promise<R>): Promise<{ result: R; statements: number; sql: string[] }>;
  close(): Promise<void>;
}

function adminUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.ECRM_TEST_SERVER_URL;
  if (!server) throw new Error('ECRM_TEST_SERVER_URL is not set: run the tests with jest (global setup starts PostgreSQL)');
  const name = `ecrm_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl(server, 'postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: adminUrl(server, name),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl(server, 'postgres') });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A migrated database of this test file's own and the real server on a free port. */
export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await createDatabase();
  // Job workers run (jobRun works), but the daily schedules never fire in a test unless it asks for them.
  // The campaign runner runs only where a test asks for it (fastCampaigns): it queries through the ORM's
  // connection in the background, which countSql would count.
  const env = { ...process.env, DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', ECRM_JOBS_SCHEDULE: 'false', ECRM_CAMPAIGNS_ENABLED: 'false' };
  const config: Config = { ...loadConfig(env), ...overrides };
  const app = await startApp(config, { bootstrap: false });
  const orm = app.services.orm;
  const knex = (orm.em.getConnection() as unknown as { getKnex(): { client: { on(event: string, fn: (q: { sql: string }) => void): void } } }).getKnex();
  let recording: string[] | undefined;
  knex.client.on('query', (query) => recording?.push(query.sql));

  const gql: TestApp['gql'] = async (document, variables, options = {}) => {
    const query = typeof document === 'string' ? document : print(document as DocumentNode);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    const response = await fetch(app.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    let body: GqlResponse<any>['body'];
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: text }] };
    }
    return { status: response.status, headers: response.headers, body };
  };

  return {
    url: app.url,
    wsUrl: app.url.replace(/^http/, 'ws'),
    app,
    orm,
    databaseUrl: database.url,
    gql,
    tenant: async (name = `Tenant ${randomBytes(3).toString('hex')}`) => {
      const em = orm.em.fork();
      const { tenant, owner } = await createTenant(em, name);
      const keys = { [Role.OWNER]: owner.key } as Record<Role, string>;
      for (const role of [Role.ADMIN, Role.ANALYST, Role.INGEST]) keys[role] = (await issueAccessKey(em, tenant.id, role, role)).key;
      return { id: tenant.id, keys };
    },
    countSql: async (fn) => {
      recording = [];
      try {
        const result = await fn();
        return { result, statements: recording.length, sql: recording };
      } finally {
        recording = undefined;
      }
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** The database id inside a Relay global id (base64url of `Type:id`), for tests that look at rows. */
export function dbIdOf(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;
}

/** The data of a response that must have succeeded. */
export function dataOf<T>(response: GqlResponse<T>): T {
  if (response.body.errors?.length || !response.body.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.body.errors)} (HTTP ${response.status})`);
  }
  return response.body.data;
}

/** The extensions.code of each error of a response. */
export function errorCodes(response: GqlResponse<unknown>): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}
