// Runs SQL queries in DuckDB (an independent Parquet reader) and prints, as one
// JSON array, the rows of each query. Used by the end-to-end tests:
//   node tests/e2e/duckdb_query.mjs <repo-root> "<sql>" ["<sql>" ...]
// @duckdb/node-api is resolved from <repo-root>/tools/node_modules
// (scripts/install-deps.sh --test installs it).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [root, ...queries] = process.argv.slice(2);
const require = createRequire(`${root}/tools/package.json`);
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");
const results = [];
for (const sql of queries) {
  const reader = await connection.runAndReadAll(sql);
  results.push(reader.getRowObjectsJson());
}
process.stdout.write(JSON.stringify(results) + '\n');
