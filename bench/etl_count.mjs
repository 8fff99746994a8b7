#!/usr/bin/env node
// Counts the rows of each table of a lake with DuckDB, so that bench/etl_bench.sh
// can show that the engines it compares produced the same tables.
//   node bench/etl_count.mjs LAKE_DIR   ->  {"songs":N,"artists":N,...,"matched":N}
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lake = process.argv[2];
if (!lake) {
  console.error('usage: etl_count.mjs LAKE_DIR');
  process.exit(2);
}
const require = createRequire(path.join(repoRoot, 'tools', 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
const con = await (await DuckDBInstance.create(':memory:')).connect();
const counts = {};
for (const table of ['songs', 'artists', 'users', 'time', 'songplays']) {
  const dir = path.join(lake, table);
  if (!fs.existsSync(dir)) continue;
  const glob = path.join(dir, '**', '*.parquet').replaceAll("'", "''");
  const extra = table === 'songplays' ? ', count(song_id)' : '';
  const reader = await con.runAndReadAll(
    `SELECT count(*)${extra} FROM read_parquet('${glob}', hive_partitioning = true)`);
  const row = reader.getRows()[0];
  counts[table] = Number(row[0]);
  if (table === 'songplays') counts.matched = Number(row[1]);
}
console.log(JSON.stringify(counts));
