// SNAPPY compressor (the raw format of google/snappy's format_description.txt,
// which Parquet's SNAPPY codec uses): a varint of the uncompressed length, then
// literals and back-references ("copies"). Any snappy decoder reads the output;
// the reader keeps using libsnappy's.
//
// Why not libsnappy's compressor: it emits every 4-byte match, and on
// high-entropy strings (ids, hashes, random hex) such chance matches are
// everywhere. A 4-byte match saves at most one byte (a 2-byte copy tag plus the
// literal tag it splits off), yet each costs a hash hit, a mispredicted branch
// and two tags; on unique string ids that made snappy 80% of the writer's time.
// This compressor takes matches of 5 bytes or more. Against libsnappy 1.1.9
// (bench/parquet_write_snappy_bench, docs/performance.md): 1.5x faster on
// unique hex ids with output 1.5 points larger (88.5% against 87.0% of the
// input; 95.3% against 92.0% on ids with 4-5 digit counters), 1.2-1.3x faster
// and 1 point smaller on song titles and log JSON, as fast on data without
// matches (16 GB/s). A lake written by the ETL came out 0.2% smaller.
//
// Like libsnappy, the input is compressed in independent 64 KiB blocks (every
// copy offset fits in two bytes), each with a fresh hash table of recent
// positions; after a run of misses the search skips ahead faster, and after a
// block that saved almost nothing, much faster, so data without matches passes
// quickly.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sparkify::parquet {

// The largest output SnappyCompress can produce for n input bytes, plus the
// 32 bytes of slack it may write past its output's end.
constexpr size_t SnappyMaxCompressedLength(size_t n) { return 48 + n + n / 6; }

// How the search went at the end of the last input, for the next input of the
// same kind (the pages of one column chunk): a page of 20,000 short strings
// is only a few 64 KiB blocks, and starting each page with a full search
// until its first block has been judged cost 6% on unique ids.
// Value-initialised: no history, the first block searches fully.
struct SnappyHistory {
  uint8_t mode = 0;
};

// Compresses in[0, n) into out, which must hold SnappyMaxCompressedLength(n)
// bytes; returns the compressed size. n must be below 2^32 (a page is < 2 GiB).
// history, if given, starts the search as the previous input ended and is
// updated; any history gives valid output, only speed and size differ.
size_t SnappyCompress(const char* in, size_t n, char* out, SnappyHistory* history = nullptr);

}  // namespace sparkify::parquet
