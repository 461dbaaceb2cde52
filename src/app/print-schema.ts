// Writes schema/schema.graphql, or with --check fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { printAppSchema } from './schema.js';

const FILE = path.resolve('schema/schema.graphql');

async function main(): Promise<void> {
  const sdl = await printAppSchema();
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(FILE, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (committed !== sdl) {
      console.error('schema/schema.graphql is stale: run `npm run schema` and commit the result.');
      process.exit(1);
    }
    console.log('schema/schema.graphql is up to date.');
    return;
  }
  writeFileSync(FILE, sdl);
  console.log(`Wrote ${path.relative(process.cwd(), FILE)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
