// DuckDB's side of parquet_write_bench: loads DIR/src-<dataset>.parquet into a
// table, then times COPY t TO ... (FORMAT PARQUET, COMPRESSION c) with one
// thread, REPS times, and prints "duckdb <dataset> <codec> <median CPU s> <bytes>"
// (CPU time of the process, user + system, like the C++ side).
//   [CODECS=none,snappy,zstd] node parquet_duckdb_write.mjs DIR REPS ZSTD_LEVEL|default DATASET...
import fs from 'node:fs';
import path from 'node:path';
import { duckdb } from '../tests/interop/node_deps.mjs';

const [dir, repsArg, levelArg, ...datasets] = process.argv.slice(2);
const reps = Number(repsArg);
const { DuckDBInstance } = await duckdb();
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run('SET threads = 1');
await conn.run('SET preserve_insertion_order = true');
for (const name of datasets) {
  const src = path.join(dir, `src-${name}.parquet`);
  await conn.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet('${src}')`);
  const only = process.env.CODECS ? process.env.CODECS.split(',') : null;
  for (const [codec, sql] of [['none', 'uncompressed'], ['snappy', 'snappy'], ['zstd', 'zstd']]) {
    if (only && !only.includes(codec)) continue;
    const out = path.join(dir, 'duckdb.parquet');
    const times = [];
    for (let r = 0; r < reps; r++) {
      const level = codec === 'zstd' && levelArg !== 'default' ? `, COMPRESSION_LEVEL ${levelArg}` : '';
      const start = process.cpuUsage();
      await conn.run(`COPY t TO '${out}' (FORMAT PARQUET, COMPRESSION ${sql}${level})`);
      const used = process.cpuUsage(start);
      times.push((used.user + used.system) / 1e6);
    }
    times.sort((a, b) => a - b);
    const size = fs.statSync(out).size;
    console.log(`duckdb ${name} ${codec} ${times[Math.floor(times.length / 2)]} ${size}`);
  }
}
console.log(`duckdb-maxrss-kb ${process.resourceUsage().maxRSS}`);
