// Prints, for each local lake given, one line per table: "<lake> <table> <rows> <sha256 of the
// sorted rows>", reading each table folder as a listing reader does (DuckDB, hive_partitioning).
//   node tests/commit/lake_digest.mjs <lake-dir>...
// An absent or empty table folder gives 0 rows. Used by the commit tests to compare lakes
// independently of file names and of our own Parquet reader.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { DuckDBInstance } = await import(
  join(here, '../../tools/node_modules/@duckdb/node-api/lib/index.js'));

const tables = ['songs', 'artists', 'users', 'time', 'songplays'];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();

function hasParquet(dir) {
  if (!existsSync(dir)) return false;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.name.endsWith('.parquet')) return true;
  }
  return false;
}

for (const lake of process.argv.slice(2)) for (const table of tables) {
  const dir = join(lake, table);
  let rows = [];
  if (hasParquet(dir)) {
    const glob = join(dir, '**', '*.parquet').replaceAll("'", "''");
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`);
    rows = reader.getRowObjectsJson().map((r) => JSON.stringify(
      Object.keys(r).sort().map((k) => [k, r[k]])));
  }
  rows.sort();
  const hash = createHash('sha256');
  for (const r of rows) hash.update(r + '\n');
  console.log(`${lake} ${table} ${rows.length} ${hash.digest('hex')}`);
}
