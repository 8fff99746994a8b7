// Makes DuckDB write Parquet files the way engines write them in the wild, for
// the reader's interop test:
//   node duckdb_write.mjs OUTDIR
// Writes OUTDIR/<case>.parquet for each codec, dictionary on and off, V1 and
// V2 pages (PARQUET_VERSION V2 also brings DELTA_* and BYTE_STREAM_SPLIT), and
// several row groups; prints the file names, one a line. The expected rows come
// from DuckDB reading its own files (read_parquet.mjs duckdb), not from us.
import path from 'node:path';
import { duckdb } from './node_deps.mjs';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node duckdb_write.mjs OUTDIR');
  process.exit(2);
}
const { DuckDBInstance } = await duckdb();
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run('SET threads = 1');
// Every type the reader maps, nulls in a pattern, low- and high-cardinality and
// non-ASCII strings, a few long strings.
await conn.run(`
  CREATE TABLE t AS
  SELECT
    i::BIGINT AS id,
    CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 31 % 1000 - 500)::INTEGER END AS i32,
    CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1000003 - 9000000000 END AS i64,
    CASE WHEN i % 9 = 0 THEN NULL ELSE i / 7.0 - 100 END::DOUBLE AS f64,
    CASE WHEN i % 11 = 0 THEN NULL ELSE (i / 3.0)::REAL END AS f32,
    CASE WHEN i % 4 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
    CASE WHEN i % 6 = 0 THEN NULL
         ELSE ['Zürich', '東京', 'São Paulo', 'plain', ''][i % 5 + 1] END AS city,
    CASE WHEN i % 8 = 0 THEN NULL ELSE 'user-' || (i * 7919 % 100003)::VARCHAR END AS uid,
    CASE WHEN i % 500 = 1 THEN repeat('long-ü-', 3000) || i::VARCHAR ELSE 'short' || (i % 3)::VARCHAR END AS text,
    CASE WHEN i % 10 = 0 THEN NULL
         ELSE TIMESTAMP '2018-11-01 21:30:30.796' + INTERVAL (i * 1234567) MICROSECOND END AS ts,
    CASE WHEN i % 10 = 1 THEN NULL
         ELSE TIMESTAMPTZ '2018-11-01 21:30:30.796+00' + INTERVAL (i) SECOND END AS tstz,
    ('\\x' || lpad(to_hex(i % 256), 2, '0') || '\\x00')::BLOB AS raw
  FROM range(6000) r(i)`);
await conn.run(`CREATE TABLE all_null AS SELECT i::BIGINT AS id, NULL::VARCHAR AS s, NULL::DOUBLE AS d FROM range(100) r(i)`);
await conn.run(`CREATE TABLE empty_t AS SELECT * FROM t WHERE false`);

const files = [];
async function copy(table, name, options) {
  const file = path.join(outDir, name + '.parquet');
  await conn.run(`COPY ${table} TO '${file.replaceAll("'", "''")}' (FORMAT PARQUET, ${options})`);
  files.push(file);
}
for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd']) {
  for (const version of ['V1', 'V2']) {
    await copy('t', `duckdb-${codec}-${version}-dict`, `COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 2048`);
    await copy('t', `duckdb-${codec}-${version}-plain`, `COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 2048, DICTIONARY_SIZE_LIMIT 1`);
  }
}
await copy('all_null', 'duckdb-all-null', 'COMPRESSION snappy');
await copy('empty_t', 'duckdb-empty', 'COMPRESSION snappy');
process.stdout.write(files.join('\n') + '\n');
