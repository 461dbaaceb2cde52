import { createReadStream } from 'node:fs';
import { parse, type CsvError, type Info } from 'csv-parse';
import { checkHeader, csvRecord, type ImportKind } from './import-csv.js';
import { FieldError, isObject, type Raw } from './import-fields.js';

export type ImportFormat = 'ndjson' | 'csv';

/** Where reading starts: a byte offset at a record boundary and the number of lines before it. */
export interface Position {
  offset: number;
  line: number;
}

/** One record of the file: its object, or why it cannot be read. */
export interface SourceRecord {
  line: number;
  /** Where the record ends (byte offset and lines so far); absent for errors the CSV parser reports out of band. */
  end?: Position;
  raw?: Raw;
  error?: string;
}

/** The file's header could not be used; nothing was imported. */
export class SourceError extends Error {}

// A longer line is rejected and skipped, so one broken line cannot exhaust memory.
const MAX_LINE_BYTES = 1024 * 1024;

function jsonLine(text: string, line: number, offset: number): SourceRecord | undefined {
  const end = { offset, line };
  if (!text.trim()) return undefined;
  try {
    const raw: unknown = JSON.parse(text);
    return isObject(raw) ? { line, end, raw } : { line, end, error: 'not a JSON object' };
  } catch (error) {
    return { line, end, error: `invalid JSON: ${(error as Error).message}` };
  }
}

/** NDJSON lines from `from` on; byte offsets are exact, so a checkpoint can seek to them. */
async function* ndjsonRecords(file: string, from: Position): AsyncGenerator<SourceRecord> {
  let offset = from.offset;
  let line = from.line;
  let rest: Buffer = Buffer.alloc(0);
  let tooLong = false;
  for await (const chunk of createReadStream(file, { start: from.offset }) as AsyncIterable<Buffer>) {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      offset += nl + 1 - start;
      line += 1;
      const text = data.toString('utf8', start, nl).replace(/^\uFEFF/, '');
      const record = tooLong ? { line, end: { offset, line }, error: `line longer than ${MAX_LINE_BYTES} bytes` } : jsonLine(text, line, offset);
      tooLong = false;
      start = nl + 1;
      if (record) yield record;
    }
    rest = data.subarray(start);
    if (rest.length > MAX_LINE_BYTES) {
      offset += rest.length;
      rest = Buffer.alloc(0);
      tooLong = true;
    }
  }
  if (rest.length || tooLong) {
    offset += rest.length;
    const record = tooLong ? { line: line + 1, end: { offset, line: line + 1 }, error: `line longer than ${MAX_LINE_BYTES} bytes` } : jsonLine(rest.toString('utf8'), line + 1, offset);
    if (record) yield record;
  }
}

async function csvHeader(file: string, kind: ImportKind): Promise<{ columns: string[]; end: number }> {
  const parser = createReadStream(file).pipe(parse({ to_line: 1, info: true, bom: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
    const columns = record.map((column) => column.trim().toLowerCase());
    const problem = checkHeader(kind, columns);
    if (problem) throw new SourceError(problem);
    return { columns, end: info.bytes };
  }
  throw new SourceError('the CSV file is empty: a header row is required');
}

/** CSV records from `from` on (after the header); the header is read again on every run. */
async function* csvRecords(file: string, kind: ImportKind, from: Position): AsyncGenerator<SourceRecord> {
  const header = await csvHeader(file, kind);
  const start = Math.max(from.offset, header.end);
  const before = from.offset > header.end ? from.line : 1;
  const parser = createReadStream(file, { start }).pipe(
    parse({ columns: header.columns, info: true, raw: true, skip_empty_lines: true, skip_records_with_error: true }),
  );
  // Broken rows (bad quoting, wrong number of cells) come as events; they are handed out in turn.
  const skipped: SourceRecord[] = [];
  parser.on('skip', (error: CsvError) => skipped.push({ line: before + Number(error.lines), error: `CSV: ${error.message.replace(/ on line \d+$/, '')}` }));
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: Record<string, string>; info: Info; raw: string }>) {
    // info.lines is where the record ends; a quoted cell may span lines.
    const spans = raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '').split('\n').length - 1;
    const line = before + info.lines - spans;
    // The parser runs ahead, so every broken row above this record has been reported by now.
    while (skipped.length && skipped[0]!.line < line) yield skipped.shift()!;
    const end = { offset: start + info.bytes, line: before + info.lines };
    try {
      yield { line, end, raw: csvRecord(record) };
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      yield { line, end, error: error.message };
    }
  }
  yield* skipped.splice(0);
}

export function readRecords(file: string, format: ImportFormat, kind: ImportKind, from: Position): AsyncGenerator<SourceRecord> {
  return format === 'csv' ? csvRecords(file, kind, from) : ndjsonRecords(file, from);
}
