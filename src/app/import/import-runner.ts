import type { ImportKind } from './import-csv.js';
import { FieldError, type Raw } from './import-fields.js';
import { fileIdentity, noCounts, readCheckpoint, removeCheckpoint, writeCheckpoint, type Checkpoint, type Counts } from './import-checkpoint.js';
import { ImportProgress } from './import-progress.js';
import { readRecords, SourceError, type ImportFormat, type Position } from './import-source.js';
import type { BatchWriter, RecordStatus } from './import-writers.js';

export interface ImportJob<T> {
  kind: ImportKind;
  file: string;
  format: ImportFormat;
  tenantId: string;
  checkpointAt: string;
  restart: boolean;
  batchSize: number;
  /** Batches written at once; 1 when records must be applied in file order. */
  parallel: number;
  toInput(raw: Raw): T;
  write: BatchWriter<T>;
}

export interface Rejection {
  line: number;
  reason: string;
}

export interface ImportReport {
  counts: Counts;
  /** Set when this run continued a killed one: what that one had committed. */
  resumed?: Checkpoint;
  /** The first rejections (at most MAX_LISTED); counts.rejected has them all. */
  rejections: Rejection[];
  elapsedMs: number;
  /** What stopped the run early; what was committed before stays, and a re-run resumes. */
  failure?: { line: number; error: Error };
}

export const MAX_LISTED = 100;

type Pending<T> = { line: number; input?: T; error?: string };

/** Streams the file in batches; after each committed batch the checkpoint moves past it. */
export async function runImport<T>(job: ImportJob<T>): Promise<ImportReport> {
  const started = Date.now();
  const identity = { kind: job.kind, tenantId: job.tenantId, file: job.file, ...fileIdentity(job.file) };
  const resumed = job.restart ? undefined : readCheckpoint(job.checkpointAt, identity);
  const report: ImportReport = { counts: noCounts(), resumed, rejections: [], elapsedMs: 0 };
  const total = (): Counts => {
    const before = resumed?.done ?? noCounts();
    return Object.fromEntries(Object.entries(report.counts).map(([key, n]) => [key, n + before[key as keyof Counts]])) as unknown as Counts;
  };
  const progress = new ImportProgress(job.kind, identity.size, resumed?.done.records ?? 0);
  let position: Position = resumed ? { offset: resumed.offset, line: resumed.line } : { offset: 0, line: 0 };
  let batch: Pending<T>[] = [];
  let batchEnd = position;

  const tally = (status: RecordStatus, line: number, reason?: string) => {
    report.counts.records += 1;
    report.counts[status] += 1;
    if (status === 'rejected' && report.rejections.length < MAX_LISTED) report.rejections.push({ line, reason: reason ?? 'rejected' });
  };
  // Up to `parallel` batches are written at once; their results are counted and checkpointed
  // strictly in file order, so the checkpoint never passes a batch that is not committed.
  let chain: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  const flush = async () => {
    const records = batch;
    const end = batchEnd;
    batch = [];
    const valid = records.filter((record) => record.input !== undefined);
    const written = valid.length ? job.write(valid.map((record) => record.input!)) : Promise.resolve([]);
    written.catch(() => undefined); // awaited below, in turn; this only keeps Node from calling it unhandled
    chain = chain.then(async () => {
      let results;
      try {
        results = await written;
      } catch (error) {
        throw Object.assign(error as Error, { importLine: records[0]?.line });
      }
      let next = 0;
      for (const record of records) {
        const result = record.input === undefined ? { status: 'rejected' as const, reason: record.error } : results[next++]!;
        tally(result.status, record.line, 'reason' in result ? result.reason : undefined);
      }
      position = end;
      writeCheckpoint(job.checkpointAt, { version: 1, ...identity, ...position, done: total() });
      progress.update(total().records, position.offset);
    });
    chain.catch(() => undefined);
    inFlight.push(chain);
    if (inFlight.length >= job.parallel) await inFlight.shift();
  };

  try {
    for await (const record of readRecords(job.file, job.format, job.kind, position)) {
      if (record.end) batchEnd = record.end;
      if (record.error !== undefined) {
        batch.push({ line: record.line, error: record.error });
      } else {
        try {
          batch.push({ line: record.line, input: job.toInput(record.raw!) });
        } catch (error) {
          if (!(error instanceof FieldError)) throw error;
          batch.push({ line: record.line, error: error.message });
        }
      }
      if (batch.length >= job.batchSize) await flush();
    }
    await flush();
    await chain;
    // Done: a later run reads the whole file again (and finds everything stored).
    removeCheckpoint(job.checkpointAt);
  } catch (error) {
    if (error instanceof SourceError) throw error;
    await chain.catch(() => undefined);
    report.failure = { line: (error as { importLine?: number }).importLine ?? position.line + 1, error: error as Error };
  }
  progress.update(total().records, position.offset, true);
  progress.finish();
  report.elapsedMs = Date.now() - started;
  return report;
}
