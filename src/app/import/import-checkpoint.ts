import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImportKind } from './import-csv.js';
import type { Position } from './import-source.js';

/** Counts of what the committed part of the file did. */
export interface Counts {
  records: number;
  accepted: number;
  updated: number;
  duplicate: number;
  rejected: number;
}

export const noCounts = (): Counts => ({ records: 0, accepted: 0, updated: 0, duplicate: 0, rejected: 0 });

/** What a killed import leaves behind so that the next run skips what was committed. */
export interface Checkpoint extends Position {
  version: 1;
  kind: ImportKind;
  tenantId: string;
  file: string;
  size: number;
  mtimeMs: number;
  done: Counts;
}

/** Next to the file when its folder is writable, else under ECRM_DATA_DIR/imports. */
export function checkpointPath(file: string, dataDir: string): string {
  try {
    accessSync(path.dirname(file), constants.W_OK);
    return `${file}.ecrm-import.json`;
  } catch {
    const hash = createHash('sha256').update(file).digest('hex').slice(0, 16);
    return path.join(dataDir, 'imports', `${path.basename(file)}-${hash}.ecrm-import.json`);
  }
}

/** The checkpoint, when it belongs to this very file (same size and mtime), kind and tenant. */
export function readCheckpoint(at: string, expected: Pick<Checkpoint, 'kind' | 'tenantId' | 'file' | 'size' | 'mtimeMs'>): Checkpoint | undefined {
  let saved: Checkpoint;
  try {
    saved = JSON.parse(readFileSync(at, 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
  const same = saved.version === 1 && (Object.keys(expected) as (keyof typeof expected)[]).every((key) => saved[key] === expected[key]);
  return same && Number.isInteger(saved.offset) && saved.offset <= expected.size ? saved : undefined;
}

// Written whole and renamed, so a kill mid-write leaves the previous checkpoint intact.
export function writeCheckpoint(at: string, checkpoint: Checkpoint): void {
  mkdirSync(path.dirname(at), { recursive: true });
  writeFileSync(`${at}.tmp`, JSON.stringify(checkpoint));
  renameSync(`${at}.tmp`, at);
}

export function removeCheckpoint(at: string): void {
  rmSync(at, { force: true });
}

export function fileIdentity(file: string): { size: number; mtimeMs: number } {
  const stat = statSync(file);
  return { size: stat.size, mtimeMs: stat.mtimeMs };
}
