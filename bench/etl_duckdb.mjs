#!/usr/bin/env node
// The sparkify ETL written for DuckDB (via @duckdb/node-api from tools/), as a peer
// for bench/etl_bench.sh. It builds the five tables of SPEC.md from the same input
// and writes them as Hive-partitioned Parquet.
//
//   node bench/etl_duckdb.mjs --songs DIR --logs DIR --out DIR [--threads N]
//        [--compression snappy|zstd|uncompressed] [--memory-limit 4GB]
//
// Prints one JSON line on stdout: wall seconds (inside the process, after start-up),
// seconds per step and the row count of each table.
//
// Where it differs from the spec (and from sparkify), on purpose or by necessity:
// - rejects are dropped (read_json ignore_errors), not written to _rejects/;
// - songs: "first wins" orders by file name only (the position inside a file is not
//   available); with one song per file that is the same thing;
// - the double-encoding repair is a SQL macro applied twice (not "until stable") to the
//   log text columns; it does real work only on non-ASCII strings (strlen != length);
// - songplay_id is a hash of (ts, userId, sessionId, itemInSession): stable, but
//   not the id sparkify computes;
// - file names are DuckDB's (data_0.parquet), one file per partition and thread;
// - no commit protocol, lock or run summary: files are written in place.
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const args = { threads: 2, compression: 'snappy', memoryLimit: null };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    switch (key) {
      case '--songs': args.songs = value; i++; break;
      case '--logs': args.logs = value; i++; break;
      case '--out': args.out = value; i++; break;
      case '--threads': args.threads = Number(value); i++; break;
      case '--compression': args.compression = value; i++; break;
      case '--memory-limit': args.memoryLimit = value; i++; break;
      default:
        console.error(`etl_duckdb: unknown argument ${key}`);
        process.exit(2);
    }
  }
  if (!args.songs || !args.logs || !args.out) {
    console.error('usage: etl_duckdb.mjs --songs DIR --logs DIR --out DIR [--threads N] ' +
                  '[--compression snappy|zstd|uncompressed] [--memory-limit SIZE]');
    process.exit(2);
  }
  return args;
}

const kSongFilesPerScan = 1000;
const kPartitionsPerCopy = 2000;

// Every *.json file under `dir`, sorted (the order decides which duplicate song wins).
function listJsonFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.json')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

// SQL string literal.
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const require = createRequire(path.join(repoRoot, 'tools', 'package.json'));
  const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

  fs.rmSync(args.out, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const steps = {};
  const run = async (name, sql) => {
    const t0 = process.hrtime.bigint();
    try {
      await con.run(sql);
    } catch (e) {
      e.message = `step ${name}: ${e.message}`;
      throw e;
    }
    steps[name] = (steps[name] ?? 0) + Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const count = async (sql) => {
    const reader = await con.runAndReadAll(sql);
    return Number(reader.getRows()[0][0]);
  };

  fs.mkdirSync(path.join(args.out, 'artists'), { recursive: true });
  fs.mkdirSync(path.join(args.out, 'users'), { recursive: true });

  await run('setup', `SET threads = ${Number(args.threads)}`);
  await run('setup', `SET TimeZone = 'UTC'`);
  await run('setup', `SET preserve_insertion_order = false`);
  if (args.memoryLimit) await run('setup', `SET memory_limit = ${lit(args.memoryLimit)}`);
  // Spill files next to the output, not in the current directory (DuckDB's default).
  const spill = `${path.resolve(args.out)}.duckdb-tmp`;
  await run('setup', `SET temp_directory = ${lit(spill)}`);
  // Latin-1-as-UTF-8 once; the original when the text is ASCII, has code points
  // above U+00FF, or would not be valid UTF-8 once undone.
  await run('setup', `CREATE MACRO latin1_fix(s) AS CASE
      WHEN s IS NULL OR strlen(s) = length(s) THEN s
      WHEN list_max(list_transform(string_split(s, ''), c -> ord(c))) > 255 THEN s
      ELSE coalesce(try(decode(from_hex(list_aggr(
             list_transform(string_split(s, ''), c -> printf('%02x', ord(c))),
             'string_agg', '')))), s)
    END`);

  const logGlob = path.join(args.logs, '**', '*.json');

  // --- read ---
  // Song files are read in batches of kSongFilesPerScan: with one read_json over
  // 200,000 small files, DuckDB 1.5.6 grows past 18 GB and fails (its memory grows
  // faster than linearly with the number of files in one scan); batches keep it flat.
  const songFiles = listJsonFiles(args.songs);
  const songColumns = `columns = {num_songs: 'BIGINT', artist_id: 'VARCHAR',
                 artist_latitude: 'DOUBLE', artist_longitude: 'DOUBLE',
                 artist_location: 'VARCHAR', artist_name: 'VARCHAR', song_id: 'VARCHAR',
                 title: 'VARCHAR', duration: 'DOUBLE', year: 'INTEGER'}`;
  await run('read_songs', `CREATE TEMP TABLE song_records (num_songs BIGINT, artist_id VARCHAR,
    artist_latitude DOUBLE, artist_longitude DOUBLE, artist_location VARCHAR,
    artist_name VARCHAR, song_id VARCHAR, title VARCHAR, duration DOUBLE, year INTEGER,
    filename VARCHAR)`);
  for (let i = 0; i < songFiles.length; i += kSongFilesPerScan) {
    const batch = songFiles.slice(i, i + kSongFilesPerScan).map(lit).join(', ');
    await run('read_songs', `INSERT INTO song_records
      SELECT * FROM read_json([${batch}], format = 'newline_delimited', ${songColumns},
                              filename = true, ignore_errors = true)
      WHERE song_id IS NOT NULL AND song_id <> ''`);
  }

  // The repair runs as two stacked projections, so that each level refers to a
  // plain column (nesting the macro would copy its argument expression five times per level).
  const texts = ['artist', 'song', 'first_name', 'last_name', 'location', 'user_agent'];
  const fixOnce = (inner) => `SELECT * REPLACE (${texts.map((c) => `latin1_fix(${c}) AS ${c}`)
    .join(', ')}) FROM (${inner})`;
  const rawEvents = `SELECT artist, song, length, page, ts,
           TRY_CAST(NULLIF(userId, '') AS BIGINT) AS user_id, sessionId AS session_id,
           itemInSession AS item, level, firstName AS first_name, lastName AS last_name,
           gender, location, userAgent AS user_agent
    FROM read_json(${lit(logGlob)}, format = 'newline_delimited',
      columns = {artist: 'VARCHAR', auth: 'VARCHAR', firstName: 'VARCHAR', gender: 'VARCHAR',
                 itemInSession: 'BIGINT', lastName: 'VARCHAR', length: 'DOUBLE',
                 level: 'VARCHAR', location: 'VARCHAR', method: 'VARCHAR', page: 'VARCHAR',
                 registration: 'DOUBLE', sessionId: 'BIGINT', song: 'VARCHAR',
                 status: 'BIGINT', ts: 'BIGINT', userAgent: 'VARCHAR', userId: 'VARCHAR'},
      ignore_errors = true)
    WHERE ts IS NOT NULL
      AND (userId IS NULL OR userId = '' OR TRY_CAST(userId AS BIGINT) IS NOT NULL)
      AND NOT (page = 'NextSong' AND coalesce(userId, '') = '')`;
  await run('read_logs', `CREATE TEMP TABLE events AS ${fixOnce(fixOnce(rawEvents))}`);

  const opts = `FORMAT PARQUET, COMPRESSION ${args.compression}`;
  // --- songs: first record of each song_id wins ---
  await run('songs', `CREATE TEMP TABLE songs AS
    SELECT song_id, title, artist_id, NULLIF(year, 0) AS year, duration, artist_name
    FROM (SELECT *, row_number() OVER (PARTITION BY song_id ORDER BY filename) AS rn
          FROM song_records) WHERE rn = 1`);
  // DuckDB buffers every open partition of a COPY in memory (a 15,000-song catalogue
  // has ~10,000 (year, artist_id) partitions; 200,000 songs need more than 4 GB), so
  // the songs are written by several COPYs of at most kPartitionsPerCopy partitions.
  const partitions = await count('SELECT count(DISTINCT (year, artist_id)) FROM songs');
  const copies = Math.max(1, Math.ceil(partitions / kPartitionsPerCopy));
  for (let b = 0; b < copies; b++) {
    const where = copies > 1 ? `WHERE hash(year, artist_id) % ${copies} = ${b}` : '';
    await run('songs', `COPY (SELECT song_id, title, artist_id, year, duration FROM songs ${where})
      TO ${lit(path.join(args.out, 'songs'))} (${opts}, PARTITION_BY (year, artist_id),
      OVERWRITE_OR_IGNORE, FILENAME_PATTERN 'part-${b}-{i}')`);
  }

  // --- artists: the credit with the most known fields, ties to the smallest song_id ---
  await run('artists', `COPY (
    SELECT artist_id, name, location, latitude, longitude FROM (
      SELECT artist_id, artist_name AS name, NULLIF(artist_location, '') AS location,
             artist_latitude AS latitude, artist_longitude AS longitude,
             row_number() OVER (PARTITION BY artist_id ORDER BY
               (artist_name IS NOT NULL)::INT + (NULLIF(artist_location, '') IS NOT NULL)::INT +
               (artist_latitude IS NOT NULL)::INT + (artist_longitude IS NOT NULL)::INT DESC,
               song_id) AS rn
      FROM song_records WHERE artist_id IS NOT NULL AND artist_id <> '') WHERE rn = 1)
    TO ${lit(path.join(args.out, 'artists', 'part-0.parquet'))} (${opts})`);

  // --- users: name and level from each user's latest event ---
  await run('users', `COPY (
    SELECT user_id, u.first_name, u.last_name, u.gender, u.level FROM (
      SELECT user_id,
             arg_max({'first_name': first_name, 'last_name': last_name, 'gender': gender,
                      'level': level}, (ts, session_id, item)) AS u
      FROM events WHERE user_id IS NOT NULL GROUP BY user_id))
    TO ${lit(path.join(args.out, 'users', 'part-0.parquet'))} (${opts})`);

  // --- NextSong plays, matched to songs on title, artist name and duration ± 0.01 s ---
  await run('songplays', `CREATE TEMP TABLE plays AS
    SELECT (hash(ts, user_id, session_id, item) >> 1)::BIGINT AS songplay_id,
           make_timestamp(ts * 1000)::TIMESTAMPTZ AS start_time, user_id, level,
           session_id, location, user_agent, song, artist, length
    FROM events WHERE page = 'NextSong'`);
  await run('songplays', `CREATE TEMP TABLE matches AS
    SELECT p.songplay_id, min(s.song_id) AS song_id
    FROM plays p JOIN songs s ON s.title = p.song AND s.artist_name = p.artist
    WHERE abs(s.duration - p.length) <= 0.01 GROUP BY p.songplay_id`);
  await run('songplays', `COPY (
    SELECT p.songplay_id, p.start_time, p.user_id, p.level, m.song_id, s.artist_id,
           p.session_id, p.location, p.user_agent,
           year(p.start_time)::INTEGER AS year, month(p.start_time)::INTEGER AS month
    FROM plays p LEFT JOIN matches m USING (songplay_id) LEFT JOIN songs s USING (song_id))
    TO ${lit(path.join(args.out, 'songplays'))} (${opts}, PARTITION_BY (year, month))`);

  // --- time: one row per distinct start_time ---
  await run('time', `COPY (
    SELECT start_time, hour(start_time)::INTEGER AS hour, day(start_time)::INTEGER AS day,
           week(start_time)::INTEGER AS week, month(start_time)::INTEGER AS month,
           year(start_time)::INTEGER AS year, isodow(start_time)::INTEGER AS weekday
    FROM (SELECT DISTINCT start_time FROM plays))
    TO ${lit(path.join(args.out, 'time'))} (${opts}, PARTITION_BY (year, month))`);

  const t0 = process.hrtime.bigint();
  const rows = {
    songs: await count('SELECT count(*) FROM songs'),
    artists: await count('SELECT count(DISTINCT artist_id) FROM song_records'),
    users: await count('SELECT count(DISTINCT user_id) FROM events WHERE user_id IS NOT NULL'),
    time: await count('SELECT count(DISTINCT start_time) FROM plays'),
    songplays: await count('SELECT count(*) FROM plays'),
    matched: await count('SELECT count(*) FROM matches'),
  };
  steps.counts = Number(process.hrtime.bigint() - t0) / 1e9;
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(spill, { recursive: true, force: true });
  for (const k of Object.keys(steps)) steps[k] = Number(steps[k].toFixed(3));
  console.log(JSON.stringify({ engine: 'duckdb', wall_s: Number(wall.toFixed(3)), steps, rows }));
}

main().catch((e) => {
  console.error(`etl_duckdb: ${e.message}`);
  process.exit(1);
});
