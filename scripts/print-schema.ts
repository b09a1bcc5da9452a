/**
 * Prints the Pothos schema to schema.graphql; with --check, fails when the file is stale.
 * Usage: npm run schema:print | npm run schema:check
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { printSchema } from 'graphql';
import { projectRoot } from '../server/config';
import { schema } from '../server/graphql/schema';

const target = path.join(projectRoot, 'schema.graphql');
const printed = `${printSchema(schema)}\n`;

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== printed) {
    console.error('schema.graphql is out of date with the Pothos schema: run `npm run schema:print` and commit it.');
    process.exit(1);
  }
  console.log('schema.graphql is up to date.');
} else {
  await writeFile(target, printed);
  console.log(`Wrote ${path.relative(process.cwd(), target)}`);
}
