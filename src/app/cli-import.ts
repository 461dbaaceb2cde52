import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { migrate, openDatabase } from './database.js';
import { Authenticator } from '../core/auth/authenticator.js';
import { Role } from '../core/auth/role.js';
import { createContext, type AppServices } from '../core/context.js';
import { isUuid } from '../core/ids.js';
import { logger } from '../core/logger.js';
import { Tenant } from '../modules/tenant/tenant.entity.js';
import { checkpointPath } from './import/import-checkpoint.js';
import type { ImportKind } from './import/import-csv.js';
import { orderInput, touchpointInput } from './import/import-fields.js';
import { MAX_LISTED, runImport, type ImportJob, type ImportReport } from './import/import-runner.js';
import { SourceError, type ImportFormat } from './import/import-source.js';
import { orderWriter, touchpointWriter, type ContextFactory } from './import/import-writers.js';

export const IMPORT_USAGE = `  ecrm import touchpoints FILE --tenant TENANT [--format ndjson|csv] [--restart] [--batch-size N]
  ecrm import orders FILE --tenant TENANT [--format ndjson|csv] [--restart] [--batch-size N]
                                               back-fill history from a file (see "Import files" below)`;

export const IMPORT_HELP = `Import files: the format follows the extension (.ndjson, .jsonl, .csv) unless --format says.
NDJSON has one object a line with the fields of TouchpointEventInput or OrderRecordInput (dates in ISO 8601).
CSV has a header row; blank cells are absent; the member is member_id or identity_channel + identity_external_id.
  touchpoints: event_id, member_id, identity_channel, identity_external_id, type, custom_type, channel,
               occurred_at, store_id, store_code, source, properties (a JSON object)
  orders:      external_id, member_id, identity_channel, identity_external_id, channel, status, currency,
               placed_at, paid_at, discount, shipping, refunded_amount, store_id, store_code, source, and
               items (a JSON list of {sku,name,category,quantity,unitPrice}) or one line in item_sku,
               item_name, item_category, item_quantity, item_unit_price (amounts in minor units)
Re-running is safe (event ids and order external ids are idempotent). A killed import resumes after the last
committed batch from FILE.ecrm-import.json (or ECRM_DATA_DIR/imports); --restart reads the file from the top.`;

type UsageErrorOf = (message: string) => Error;

function formatOf(file: string, given: string | undefined, usage: UsageErrorOf): ImportFormat {
  const name = (given ?? path.extname(file).slice(1)).toLowerCase();
  if (name === 'ndjson' || name === 'jsonl') return 'ndjson';
  if (name === 'csv') return 'csv';
  throw usage(given ? `--format must be ndjson or csv, got "${given}"` : `cannot tell the format of "${file}": name it .ndjson, .jsonl or .csv, or pass --format`);
}

async function findTenant(em: EntityManager, ref: string, usage: UsageErrorOf): Promise<Tenant> {
  const tenants = await em.find(Tenant, isUuid(ref) ? { id: ref } : { name: ref });
  if (tenants.length === 0) throw usage(`no tenant "${ref}"`);
  if (tenants.length > 1) throw usage(`${tenants.length} tenants are named "${ref}"; use the tenant id`);
  return tenants[0]!;
}

function printReport(kind: ImportKind, file: string, tenant: Tenant, report: ImportReport): void {
  const lines = [`Import of ${kind} from ${file} into tenant "${tenant.name}" (${tenant.id})`];
  if (report.resumed) lines.push(`resumed after line ${report.resumed.line}: ${report.resumed.done.records} records were done by an earlier run`);
  const { records, accepted, updated, duplicate, rejected } = report.counts;
  const seconds = report.elapsedMs / 1000;
  lines.push(
    `records:   ${records}`,
    `accepted:  ${accepted} (new)`,
    ...(kind === 'orders' ? [`updated:   ${updated} (stored before, changed now)`] : []),
    `duplicate: ${duplicate} (already stored)`,
    `rejected:  ${rejected}`,
    `elapsed:   ${seconds.toFixed(2)} s (${Math.round(records / Math.max(seconds, 0.001))} records/s)`,
  );
  if (report.rejections.length) lines.push('Rejected:', ...report.rejections.map((r) => `  line ${r.line}: ${r.reason}`));
  if (rejected > report.rejections.length) lines.push(`  ... and ${rejected - report.rejections.length} more (only the first ${MAX_LISTED} are listed)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `ecrm import touchpoints|orders FILE`: streams the file through the ingestion services. */
export async function importCommand(kind: ImportKind, args: string[], config: Config, usage: UsageErrorOf): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { tenant: { type: 'string' }, format: { type: 'string' }, restart: { type: 'boolean' }, 'batch-size': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw usage(`ecrm import ${kind} takes one FILE, got ${positionals.length}`);
  const file = path.resolve(positionals[0]!);
  const format = formatOf(file, values.format, usage);
  const tenantRef = values.tenant?.trim();
  if (!tenantRef) throw usage('--tenant is required');
  const batchSize = Number(values['batch-size'] ?? 500);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw usage('--batch-size must be a whole number from 1 to 1000');
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw usage(`no file "${positionals[0]}"`);
  }
  if (!isFile) throw usage(`"${positionals[0]}" is not a file`);

  const db = await openDatabase(config);
  try {
    await migrate(db.orm);
    const tenant = await findTenant(db.orm.em.fork() as EntityManager, tenantRef, usage);
    const app: AppServices = { orm: db.orm, config, authenticator: new Authenticator(db.orm), logger };
    const viewer = { kind: 'key' as const, tenantId: tenant.id, keyId: 'cli-import', role: Role.ADMIN, countryCode: tenant.countryCode };
    const context: ContextFactory = () => createContext(app, viewer, `import-${randomUUID()}`);
    const common = { kind, file, format, tenantId: tenant.id, checkpointAt: checkpointPath(file, config.dataDir), restart: !!values.restart, batchSize };
    let report: ImportReport;
    try {
      report =
        kind === 'touchpoints'
          ? await runImport({ ...common, parallel: 3, toInput: touchpointInput, write: touchpointWriter(context) } satisfies ImportJob<ReturnType<typeof touchpointInput>>)
          : await runImport({ ...common, parallel: 1, toInput: orderInput, write: orderWriter(context) } satisfies ImportJob<ReturnType<typeof orderInput>>);
    } catch (error) {
      if (error instanceof SourceError) throw usage(error.message);
      throw error;
    }
    printReport(kind, file, tenant, report);
    if (report.failure) {
      const { line, error } = report.failure;
      // Database errors carry the whole statement (with the file's data); the reason is enough.
      const reason = ('severity' in error ? error.message.slice(error.message.lastIndexOf(' - ') + 3) : error.message).slice(0, 500);
      throw new Error(`import stopped at line ${line}: ${reason}\nRun the same command again to resume after the last committed batch.`);
    }
  } finally {
    await db.close();
  }
}
