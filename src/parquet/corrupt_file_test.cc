// Broken files must give a clear Corruption status naming the file, never a
// crash or a hang. The broken files are made here from a valid one and also
// kept in fuzz/corpus/parquet (broken-*.parquet), where the fuzzer starts from them.
//
// SPARKIFY_WRITE_CORPUS=1 rewrites fuzz/corpus/parquet from this test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "parquet/metadata.h"
#include "parquet/reader.h"
#include "parquet/testing.h"

namespace sparkify::parquet {
namespace {

namespace fs = std::filesystem;

const char* kCorpusDir = SPARKIFY_SOURCE_DIR "/fuzz/corpus/parquet";

std::string ValidFile(Codec codec = Codec::kSnappy, bool dict = true, size_t rows = 20) {
  WriterOptions o;
  o.codec = codec;
  o.enable_dictionary = dict;
  auto bytes = testing::WriteTable(testing::AllTypesTable(rows, 3, 4, 5), o);
  EXPECT_TRUE(bytes.ok());
  return *bytes;
}

// Opens and reads everything; returns the first error.
Status OpenAndRead(const std::string& name, std::string bytes, ReaderOptions opts = {}) {
  auto r = FileReader::Open(name, std::move(bytes), opts);
  if (!r.ok()) return r.status();
  auto cols = (*r)->ReadAll();
  return cols.ok() ? Status::OK() : cols.status();
}

std::string ReplaceFooter(const std::string& file, const format::FileMetaData& meta) {
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  std::string out = file.substr(0, file.size() - 8 - len);
  std::string footer;
  format::Serialize(meta, &footer);
  uint32_t n = static_cast<uint32_t>(footer.size());
  out += footer;
  out.append(reinterpret_cast<const char*>(&n), 4);
  out += "PAR1";
  return out;
}

format::FileMetaData MetaOf(const std::string& file) {
  auto r = FileReader::Open("x", file);
  EXPECT_TRUE(r.ok());
  return (*r)->metadata();
}

// name -> broken bytes, each with one kind of damage.
std::vector<std::pair<std::string, std::string>> BrokenFiles() {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string good = ValidFile();
  const format::FileMetaData meta = MetaOf(good);
  const auto& first = *meta.row_groups[0].columns[0].meta_data;
  out.push_back({"empty", ""});
  out.push_back({"only-magic", "PAR1"});
  out.push_back({"truncated-half", good.substr(0, good.size() / 2)});
  out.push_back({"truncated-tail", good.substr(0, good.size() - 1)});
  {
    std::string b = good;
    b[0] = 'X';
    out.push_back({"bad-magic-start", b});
  }
  {
    std::string b = good;
    b[b.size() - 2] = 'X';
    out.push_back({"bad-magic-end", b});
  }
  {
    std::string b = good;
    uint32_t huge = 0x7FFFFFF0;
    std::memcpy(b.data() + b.size() - 8, &huge, 4);
    out.push_back({"bad-footer-length", b});
  }
  {
    std::string b = good;
    uint32_t len;
    std::memcpy(&len, b.data() + b.size() - 8, 4);
    for (size_t i = b.size() - 8 - len; i < b.size() - 8; ++i) b[i] = '\xFF';
    out.push_back({"garbage-footer", b});
  }
  {
    std::string b = good;
    for (size_t i = 0; i < 6; ++i) b[first.data_page_offset + i] = '\xFF';
    out.push_back({"corrupt-page-header", b});
  }
  {
    // Compressed payload scrambled: the header parses but snappy cannot decode.
    std::string b = good;
    format::PageHeader h;
    size_t used;
    EXPECT_TRUE(format::Parse(reinterpret_cast<const uint8_t*>(b.data()) + first.data_page_offset,
                              b.size() - first.data_page_offset, &h, &used)
                    .ok());
    for (int i = 0; i < h.compressed_page_size; ++i) b[first.data_page_offset + used + i] = '\xF7';
    out.push_back({"corrupt-page-data", b});
  }
  {
    format::FileMetaData m = meta;
    for (auto& cc : m.row_groups[0].columns) cc.meta_data->codec = format::ZSTD;  // data is snappy
    out.push_back({"wrong-codec", ReplaceFooter(good, m)});
  }
  {
    format::FileMetaData m = meta;
    m.row_groups[0].columns[0].meta_data->data_page_offset = static_cast<int64_t>(good.size()) * 2;
    out.push_back({"chunk-offset-outside-file", ReplaceFooter(good, m)});
  }
  {
    format::FileMetaData m = meta;
    m.row_groups[0].columns[1].meta_data->num_values += 1000;
    m.row_groups[0].num_rows += 1000;
    for (auto& cc : m.row_groups[0].columns) cc.meta_data->num_values = m.row_groups[0].num_rows;
    out.push_back({"too-few-values", ReplaceFooter(good, m)});
  }
  {
    format::FileMetaData m = meta;
    m.schema[0].num_children = 99;
    out.push_back({"schema-children-mismatch", ReplaceFooter(good, m)});
  }
  {
    format::FileMetaData m = meta;
    m.row_groups[0].columns.pop_back();
    out.push_back({"missing-column-chunk", ReplaceFooter(good, m)});
  }
  {
    // Dictionary shrunk to one entry: later indices point past its end.
    const std::string plain = ValidFile(Codec::kUncompressed, true);
    const format::FileMetaData plain_meta = MetaOf(plain);
    const auto& city = *plain_meta.row_groups[0].columns[6].meta_data;
    std::string b = plain;
    format::PageHeader h;
    size_t used;
    EXPECT_TRUE(
        format::Parse(reinterpret_cast<const uint8_t*>(b.data()) + *city.dictionary_page_offset,
                      b.size(), &h, &used)
            .ok());
    h.dictionary_page_header->num_values = 1;
    std::string hdr;
    format::Serialize(h, &hdr);
    if (hdr.size() == used) {
      b.replace(*city.dictionary_page_offset, used, hdr);
      out.push_back({"dictionary-index-out-of-range", b});
    }
  }
  return out;
}

TEST(CorruptFiles, EachGivesCorruptionNamingTheFile) {
  for (const auto& [name, bytes] : BrokenFiles()) {
    SCOPED_TRACE(name);
    Status s = OpenAndRead(name + ".parquet", bytes);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_NE(s.message().find(name + ".parquet"), std::string::npos) << s.ToString();
  }
}

TEST(CorruptFiles, CommittedBrokenFilesGiveCorruption) {
  if (std::getenv("SPARKIFY_WRITE_CORPUS")) {
    fs::create_directories(kCorpusDir);
    for (const auto& [name, bytes] : BrokenFiles()) {
      std::ofstream(fs::path(kCorpusDir) / ("broken-" + name + ".parquet"), std::ios::binary)
          << bytes;
    }
    int i = 0;
    for (Codec c : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
      for (bool dict : {true, false}) {
        std::ofstream(fs::path(kCorpusDir) / ("valid-" + std::to_string(i++) + ".parquet"),
                      std::ios::binary)
            << ValidFile(c, dict, 12);
      }
    }
  }
  int seen = 0;
  ASSERT_TRUE(fs::is_directory(kCorpusDir)) << kCorpusDir;
  for (const auto& e : fs::directory_iterator(kCorpusDir)) {
    const std::string fname = e.path().filename().string();
    std::ifstream in(e.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Status s = OpenAndRead(fname, bytes);
    if (fname.rfind("broken-", 0) == 0) {
      ++seen;
      EXPECT_TRUE(s.IsCorruption()) << fname << ": " << s.ToString();
    } else if (fname.rfind("valid-", 0) == 0) {
      EXPECT_TRUE(s.ok()) << fname << ": " << s.ToString();
    }
  }
  EXPECT_GE(seen, 10);
}

TEST(CorruptFiles, RandomDamageNeverCrashes) {
  // A small deterministic fuzz run: flip bytes and cut files, for every codec.
  // Under ASan/UBSan this catches out-of-bounds reads; any status is fine.
  std::mt19937 rng(1234);
  ReaderOptions opts;
  opts.max_values_per_chunk = 1 << 16;
  opts.max_page_size = 1 << 22;
  for (Codec c : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    const std::string good = ValidFile(c, rng() % 2, 50);
    for (int iter = 0; iter < 400; ++iter) {
      std::string b = good;
      int flips = 1 + rng() % 4;
      for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<char>(rng());
      if (rng() % 8 == 0) b.resize(rng() % b.size());
      (void)OpenAndRead("fuzzed.parquet", b, opts);
    }
  }
}

}  // namespace
}  // namespace sparkify::parquet
