import { existsSync, readFileSync } from 'node:fs';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { countsOf, finished, killAll, startEcrm, tempDir, writeLines } from './support/import-cli';

let t: TestApp;
const dir = tempDir();

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  killAll();
  await t.close();
});

/**
 * A file of `size` lines: mostly new events, every 1000th repeats an earlier event id and every
 * 1013th is invalid. Returns it with the number of distinct valid events.
 */
function eventFile(name: string, size: number): { file: string; distinct: number } {
  const ids = new Set<string>();
  const lines = Array.from({ length: size }, (_, i) => {
    const eventId = i % 1000 === 999 ? `k${i - 500}` : `k${i}`;
    const type = i % 1013 === 5 ? 'BOGUS' : 'PRODUCT_VIEW';
    if (type !== 'BOGUS') ids.add(eventId);
    const occurredAt = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
    return { eventId, member: { identity: { channel: 'APP_USER', externalId: `m${i % 700}` } }, type, channel: 'WEB', occurredAt, properties: { sku: `P${i % 97}` } };
  });
  return { file: writeLines(dir, name, lines), distinct: ids.size };
}

async function storedEvents(tenant: TestTenant): Promise<number> {
  return dataOf(await t.gql('{ touchpoints(first: 1) { totalCount } }', {}, { key: tenant.keys.ADMIN })).touchpoints.totalCount;
}

/** Starts an import and SIGKILLs it as soon as it has written its first checkpoint. */
async function killAfterFirstCheckpoint(file: string, tenant: TestTenant): Promise<{ line: number; records: number }> {
  const checkpoint = `${file}.ecrm-import.json`;
  const child = startEcrm(t.databaseUrl, ['import', 'touchpoints', file, '--tenant', tenant.id, '--batch-size', '250']);
  const exit = finished(child, 120_000);
  while (!existsSync(checkpoint) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 10));
  child.kill('SIGKILL');
  const run = await exit;
  expect(run.stdout).toBe(''); // killed before its report: the import was really cut short
  const saved = JSON.parse(readFileSync(checkpoint, 'utf8'));
  return { line: saved.line, records: saved.done.records };
}

describe('resuming after a kill', () => {
  test('a re-run continues after the checkpoint and the database ends with each valid event once', async () => {
    const tenant = await t.tenant();
    const { file, distinct } = eventFile('big.ndjson', 20_000);
    const killed = await killAfterFirstCheckpoint(file, tenant);
    expect(killed.line).toBeGreaterThanOrEqual(250);
    expect(killed.line).toBeLessThan(20_000);

    const run = await finished(startEcrm(t.databaseUrl, ['import', 'touchpoints', file, '--tenant', tenant.id]), 120_000);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 }); // stderr shown when it failed
    expect(run.stdout).toContain(`resumed after line ${killed.line}: ${killed.records} records were done`);
    const counts = countsOf(run);
    // Every line is a record, so the second run covers exactly the lines after the checkpoint.
    expect(counts.records).toBe(20_000 - killed.line);
    expect(counts.accepted + counts.duplicate + counts.rejected).toBe(counts.records);
    expect(counts.accepted).toBeGreaterThan(0);
    expect(await storedEvents(tenant)).toBe(distinct);
    expect(existsSync(`${file}.ecrm-import.json`)).toBe(false);
  }, 240_000);

  test('--restart ignores the checkpoint and reads the whole file again, still doubling nothing', async () => {
    const tenant = await t.tenant();
    const { file, distinct } = eventFile('restart.ndjson', 8_000);
    await killAfterFirstCheckpoint(file, tenant);
    const stored = await storedEvents(tenant);
    expect(stored).toBeGreaterThan(0);

    const run = await finished(startEcrm(t.databaseUrl, ['import', 'touchpoints', file, '--tenant', tenant.id, '--restart']), 120_000);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 }); // stderr shown when it failed
    expect(run.stdout).not.toContain('resumed');
    const counts = countsOf(run);
    expect(counts.records).toBe(8_000);
    expect(counts.duplicate).toBeGreaterThanOrEqual(stored);
    expect(counts.accepted).toBe(distinct - stored);
    expect(await storedEvents(tenant)).toBe(distinct);
  }, 240_000);
});
