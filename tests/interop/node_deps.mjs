// Loads the npm packages the interop tests use from tools/node_modules (installed by
// scripts/install-deps.sh --test). Fails loudly when they are missing: CI installs them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = process.env.SPARKIFY_NODE_MODULES ?? path.resolve(here, '../../tools/node_modules');

async function load(rel) {
  const file = path.join(modules, rel);
  if (!fs.existsSync(file)) {
    throw new Error(`missing ${file}: run scripts/install-deps.sh --test (npm install in tools/)`);
  }
  return import(pathToFileURL(file).href);
}

export async function duckdb() {
  const m = await load('@duckdb/node-api/lib/index.js');
  return m.DuckDBInstance ? m : m.default;
}
export async function hyparquet() {
  return load('hyparquet/src/node.js');
}
export async function compressors() {
  return (await load('hyparquet-compressors/src/index.js')).compressors;
}
