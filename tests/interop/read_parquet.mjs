// Reads a Parquet file with an independent reader and prints it canonically, so a
// C++ test can compare it byte for byte with the values it wrote:
//   node read_parquet.mjs duckdb|hyparquet FILE...
// For each file: a line "== FILE", then line 1 is a JSON array of column names; then one JSON array per row whose
// items are null or strings: "i:<int>" (INT32/INT64), "t:<micros>" (timestamps of any
// unit, INT96 included), "d:<16 hex digits of the IEEE-754 double>" or "d:NaN"
// (FLOAT widened to double), "b:0"/"b:1", "s:<hex of the UTF-8 bytes>" (BYTE_ARRAY).
import fs from 'node:fs';
import { duckdb, hyparquet, compressors } from './node_deps.mjs';

const [engine, ...files] = process.argv.slice(2);
if (!engine || files.length === 0) {
  console.error('usage: node read_parquet.mjs duckdb|hyparquet FILE...');
  process.exit(2);
}
const hp = await hyparquet();
let conn = null;
if (engine === 'duckdb') {
  const { DuckDBInstance } = await duckdb();
  const db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
}

async function readOne(file) {
  const bytes = fs.readFileSync(file);
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const meta = hp.parquetMetadata(arrayBuffer);
  // Column kinds from the footer (flat schemas: every element after the root is a leaf).
  const leaves = meta.schema.slice(1);
  const kinds = leaves.map((e) => {
    const lt = e.logical_type?.type;
    const ct = e.converted_type;
    if (e.type === 'INT96' || lt === 'TIMESTAMP' || ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS') return 't';
    if (e.type === 'INT32' || e.type === 'INT64') return 'i';
    if (e.type === 'FLOAT' || e.type === 'DOUBLE') return 'd';
    if (e.type === 'BOOLEAN') return 'b';
    return 's';
  });

  const view = new DataView(new ArrayBuffer(8));
  function doubleHex(x) {
    if (Number.isNaN(x)) return 'NaN';
    view.setFloat64(0, x, true);
    return view.getBigUint64(0, true).toString(16).padStart(16, '0');
  }
  function micros(v) {
    if (typeof v === 'bigint') return v;
    if (v && typeof v === 'object') {
      if ('micros' in v) return BigInt(v.micros);
      if ('millis' in v) return BigInt(v.millis) * 1000n;
      if ('nanos' in v) return BigInt(v.nanos) / 1000n;
      if ('seconds' in v) return BigInt(v.seconds) * 1000000n;
      if ('t' in v) return BigInt(v.t);
    }
    if (typeof v === 'number') return BigInt(v);
    throw new Error(`unexpected timestamp value ${v}`);
  }
  function canon(kind, v) {
    if (v === null || v === undefined) return null;
    switch (kind) {
      case 'i': return 'i:' + BigInt(v).toString();
      case 't': return 't:' + micros(v).toString();
      case 'd': return 'd:' + doubleHex(Number(v));
      case 'b': return 'b:' + (v ? '1' : '0');
      default: {
        let b;
        if (typeof v === 'string') b = Buffer.from(v, 'utf8');
        else if (v instanceof Uint8Array) b = Buffer.from(v);
        else if (v && v.bytes) b = Buffer.from(v.bytes);
        else throw new Error(`unexpected byte array value ${v}`);
        return 's:' + b.toString('hex');
      }
    }
  }

  const names = leaves.map((e) => e.name);
  let rows = [];
  if (engine === 'duckdb') {
    const escaped = file.replaceAll("'", "''");
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${escaped}')`);
    rows = reader.getRows();
  } else if (engine === 'hyparquet') {
    // Timestamps stay exact integers of microseconds instead of Dates.
    const parsers = {
      timestampFromMilliseconds: (ms) => ({ t: BigInt(ms) * 1000n }),
      timestampFromMicroseconds: (us) => ({ t: BigInt(us) }),
      timestampFromNanoseconds: (ns) => ({ t: BigInt(ns) / 1000n }),
    };
    await hp.parquetRead({
      file: arrayBuffer,
      metadata: meta,
      compressors: await compressors(),
      parsers,
      utf8: false, // BYTE_ARRAY without a STRING annotation stays bytes
      onComplete: (r) => { rows = r; },
    });
  } else {
    console.error(`unknown engine ${engine}`);
    process.exit(2);
  }

  const out = ['== ' + file, JSON.stringify(names)];
  for (const row of rows) out.push(JSON.stringify(row.map((v, i) => canon(kinds[i], v))));
  return out.join('\n') + '\n';
}

for (const file of files) process.stdout.write(await readOne(file));
