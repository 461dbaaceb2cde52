import { randomFillSync } from 'node:crypto';

// Random bytes are drawn from the CSPRNG in blocks: one call per id cost more than the insert
// itself when ingesting thousands of events a second.
const POOL = Buffer.alloc(16 * 256);
let offset = POOL.length;

function randomBlock(): Buffer {
  if (offset === POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const block = Buffer.from(POOL.subarray(offset, offset + 16));
  offset += 16;
  return block;
}

/**
 * UUID version 7: time-ordered, so new rows land at the right edge of B-tree indexes
 * instead of scattering like random v4 ids.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBlock();
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
