// Contract tests that every FileSystem implementation must pass; run here for
// local disk and memory (S3 runs the same checks in tests/s3 against a server).
#include "fs/file_system.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "fs/local_file_system.h"
#include "fs/memory_file_system.h"

namespace sparkify::fs {
namespace {

class FileSystemContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      dir_ = std::filesystem::temp_directory_path() /
             ("sparkify-fs-test-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      fs_ = NewLocalFileSystem(dir_.string());
    } else {
      fs_ = NewMemoryFileSystem();
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<FileSystem> fs_;
};

TEST_P(FileSystemContractTest, WriteReadStatList) {
  ASSERT_TRUE(fs_->Write("songs/year=1969/artist_id=AR1/part-0.parquet", "abc").ok());
  ASSERT_TRUE(fs_->Write("songs/year=1970/part-1.parquet", "defg").ok());
  ASSERT_TRUE(fs_->Write("users/part-0.parquet", "").ok());
  std::string data;
  ASSERT_TRUE(fs_->Read("songs/year=1970/part-1.parquet", &data).ok());
  EXPECT_EQ(data, "defg");
  FileInfo info;
  ASSERT_TRUE(fs_->Stat("songs/year=1970/part-1.parquet", &info).ok());
  EXPECT_EQ(info.size, 4u);

  std::vector<FileInfo> files;
  ASSERT_TRUE(fs_->List("songs/", &files).ok());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "songs/year=1969/artist_id=AR1/part-0.parquet");
  EXPECT_EQ(files[1].path, "songs/year=1970/part-1.parquet");
  ASSERT_TRUE(fs_->List("", &files).ok());
  EXPECT_EQ(files.size(), 3u);
  // A prefix is a string prefix, not a directory: "songs/year=19" matches both.
  ASSERT_TRUE(fs_->List("songs/year=19", &files).ok());
  EXPECT_EQ(files.size(), 2u);
  ASSERT_TRUE(fs_->List("nothing/", &files).ok());
  EXPECT_TRUE(files.empty());
}

TEST_P(FileSystemContractTest, ReadRangeAndMissing) {
  ASSERT_TRUE(fs_->Write("a/b.bin", "0123456789").ok());
  std::string out;
  ASSERT_TRUE(fs_->ReadRange("a/b.bin", 2, 3, &out).ok());
  EXPECT_EQ(out, "234");
  ASSERT_TRUE(fs_->ReadRange("a/b.bin", 8, 10, &out).ok());
  EXPECT_EQ(out, "89");
  EXPECT_TRUE(fs_->Read("a/missing", &out).IsNotFound());
  FileInfo info;
  EXPECT_TRUE(fs_->Stat("a/missing", &info).IsNotFound());
}

TEST_P(FileSystemContractTest, RandomAccessFileReadsRanges) {
  std::string big(100000, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i * 7 % 26);
  ASSERT_TRUE(fs_->Write("a/big.bin", big).ok());
  ASSERT_TRUE(fs_->Write("a/empty.bin", "").ok());
  std::unique_ptr<RandomAccessFile> file;
  ASSERT_TRUE(fs_->NewRandomAccessFile("a/big.bin", &file).ok());
  std::string scratch;
  std::string_view got;
  ASSERT_TRUE(file->Read(5000, 70000, &scratch, &got).ok());  // not page aligned
  EXPECT_EQ(got, std::string_view(big).substr(5000, 70000));
  ASSERT_TRUE(file->Read(99990, 100, &scratch, &got).ok());  // the tail only
  EXPECT_EQ(got, std::string_view(big).substr(99990));
  ASSERT_TRUE(file->Read(200000, 10, &scratch, &got).ok());  // past the end
  EXPECT_TRUE(got.empty());
  ASSERT_TRUE(file->Read(0, big.size(), &scratch, &got).ok());
  EXPECT_EQ(got, big);

  if (GetParam() == "local") {
    // A mapped file keeps what it had when a new file replaces its path (the
    // default, ReadRange per Read, which memory uses, may see the new one).
    std::string_view before = got;
    ASSERT_TRUE(fs_->Write("a/big.bin", "replaced").ok());
    ASSERT_TRUE(file->Read(1, 3, &scratch, &got).ok());
    EXPECT_EQ(got, std::string_view(big).substr(1, 3));
    EXPECT_EQ(before, big);  // a view from an earlier Read, no scratch involved
  }

  ASSERT_TRUE(fs_->NewRandomAccessFile("a/empty.bin", &file).ok());
  ASSERT_TRUE(file->Read(0, 10, &scratch, &got).ok());
  EXPECT_TRUE(got.empty());
  EXPECT_TRUE(fs_->NewRandomAccessFile("a/missing", &file).IsNotFound());
}

TEST_P(FileSystemContractTest, WritableFileIsInvisibleUntilClose) {
  std::unique_ptr<WritableFile> f;
  ASSERT_TRUE(fs_->NewWritableFile("t/x.parquet", &f).ok());
  ASSERT_TRUE(f->Append("hello ").ok());
  std::string big(3 << 20, 'z');  // larger than the local write buffer
  ASSERT_TRUE(f->Append(big).ok());
  std::vector<FileInfo> files;
  ASSERT_TRUE(fs_->List("", &files).ok());
  EXPECT_TRUE(files.empty()) << files[0].path;
  ASSERT_TRUE(f->Close().ok());
  std::string data;
  ASSERT_TRUE(fs_->Read("t/x.parquet", &data).ok());
  EXPECT_EQ(data, "hello " + big);
}

TEST_P(FileSystemContractTest, AbortLeavesNothing) {
  {
    std::unique_ptr<WritableFile> f;
    ASSERT_TRUE(fs_->NewWritableFile("t/y", &f).ok());
    ASSERT_TRUE(f->Append("partial").ok());
    f->Abort();
  }
  {
    std::unique_ptr<WritableFile> f;
    ASSERT_TRUE(fs_->NewWritableFile("t/z", &f).ok());
    ASSERT_TRUE(f->Append("dropped by the destructor").ok());
  }
  std::vector<FileInfo> files;
  ASSERT_TRUE(fs_->List("", &files).ok());
  EXPECT_TRUE(files.empty());
  if (!dir_.empty()) {
    // No temporaries either.
    size_t n = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(dir_)) n += e.is_regular_file();
    EXPECT_EQ(n, 0u);
  }
}

// In place: the file is written under its own name (no temporary on local
// disk), in folders made as needed; Close() keeps it, Abort() removes it.
TEST_P(FileSystemContractTest, InPlaceFileIsWholeAfterCloseAndGoneAfterAbort) {
  const std::string big(3 << 20, 'x');  // more than one write buffer
  {
    std::unique_ptr<WritableFile> f;
    ASSERT_TRUE(fs_->NewWritableFileInPlace("v/year=1969/artist_id=A1/part-0", &f).ok());
    ASSERT_TRUE(f->Append("head-").ok());
    ASSERT_TRUE(f->Append(big).ok());
    ASSERT_TRUE(f->Close().ok());
  }
  {
    std::unique_ptr<WritableFile> f;  // a second file in the same, existing folder
    ASSERT_TRUE(fs_->NewWritableFileInPlace("v/year=1969/artist_id=A1/part-1", &f).ok());
    ASSERT_TRUE(f->Append("small").ok());
    ASSERT_TRUE(f->Close().ok());
  }
  {
    std::unique_ptr<WritableFile> f;
    ASSERT_TRUE(fs_->NewWritableFileInPlace("v/year=1970/part-2", &f).ok());
    ASSERT_TRUE(f->Append("partial").ok());
    f->Abort();
  }
  std::string contents;
  ASSERT_TRUE(fs_->Read("v/year=1969/artist_id=A1/part-0", &contents).ok());
  EXPECT_EQ(contents, "head-" + big);
  ASSERT_TRUE(fs_->Read("v/year=1969/artist_id=A1/part-1", &contents).ok());
  EXPECT_EQ(contents, "small");
  std::vector<FileInfo> files;
  ASSERT_TRUE(fs_->List("", &files).ok());
  ASSERT_EQ(files.size(), 2u);
  if (!dir_.empty()) {
    // No temporaries; a file where a folder must go is an error, not a hang.
    size_t n = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(dir_)) n += e.is_regular_file();
    EXPECT_EQ(n, 2u);
    std::unique_ptr<WritableFile> f;
    EXPECT_FALSE(fs_->NewWritableFileInPlace("v/year=1969/artist_id=A1/part-0/x", &f).ok());
    EXPECT_FALSE(fs_->NewWritableFile("v/year=1969/artist_id=A1/part-1/x", &f).ok());
  }
}

TEST_P(FileSystemContractTest, WriteIfAbsentIsExclusive) {
  ASSERT_TRUE(fs_->WriteIfAbsent("_lock", "run-1").ok());
  EXPECT_TRUE(fs_->WriteIfAbsent("_lock", "run-2").IsAlreadyExists());
  std::string data;
  ASSERT_TRUE(fs_->Read("_lock", &data).ok());
  EXPECT_EQ(data, "run-1");
  // Racing writers: exactly one wins.
  ASSERT_TRUE(fs_->Delete({"_lock"}).ok());
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (fs_->WriteIfAbsent("_lock", "t" + std::to_string(i)).ok()) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_P(FileSystemContractTest, DeleteIsIdempotentAndPrunesEmptyDirs) {
  ASSERT_TRUE(fs_->Write("p/q/r.txt", "1").ok());
  ASSERT_TRUE(fs_->Delete({"p/q/r.txt", "p/q/never-existed"}).ok());
  std::vector<FileInfo> files;
  ASSERT_TRUE(fs_->List("", &files).ok());
  EXPECT_TRUE(files.empty());
  if (!dir_.empty()) {
    EXPECT_FALSE(std::filesystem::exists(dir_ / "p"));
  }
}

// A tree with many top folders (walked on several threads on local disk):
// every file once, sorted, prefixes respected, folders not listed.
TEST_P(FileSystemContractTest, ListOfAWideTreeIsCompleteAndSorted) {
  std::vector<std::string> want;
  for (char a = 'A'; a <= 'H'; ++a) {
    for (char b = 'A'; b <= 'C'; ++b) {
      for (int f = 0; f < 3; ++f) {
        want.push_back(std::string(1, a) + "/" + std::string(1, b) + "/f" + std::to_string(f));
      }
    }
  }
  want.push_back("top.json");
  for (const std::string& p : want) ASSERT_TRUE(fs_->Write(p, p).ok());
  std::sort(want.begin(), want.end());
  std::vector<FileInfo> files;
  ASSERT_TRUE(fs_->List("", &files).ok());
  std::vector<std::string> got;
  for (const FileInfo& f : files) got.push_back(f.path);
  EXPECT_EQ(got, want);
  ASSERT_TRUE(fs_->List("C/", &files).ok());
  EXPECT_EQ(files.size(), 9u);
  ASSERT_TRUE(fs_->List("C/B/f", &files).ok());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "C/B/f0");
  EXPECT_EQ(files[0].size, 6u);
}

// ListPaths lists what List lists, in the same order; a size it gives is the
// file's (local disk leaves sizes it did not look up at 0).
TEST_P(FileSystemContractTest, ListPathsListsWhatListLists) {
  for (const std::string p : {"A/B/x.json", "A/y.json", "C/z.json", "top.json", "A/B/C/w"}) {
    ASSERT_TRUE(fs_->Write(p, p + p).ok());
  }
  for (const std::string prefix : {"", "A/", "A/B/x"}) {
    std::vector<FileInfo> listed, paths;
    ASSERT_TRUE(fs_->List(prefix, &listed).ok());
    ASSERT_TRUE(fs_->ListPaths(prefix, &paths).ok());
    ASSERT_EQ(paths.size(), listed.size()) << "prefix '" << prefix << "'";
    for (size_t i = 0; i < paths.size(); ++i) {
      EXPECT_EQ(paths[i].path, listed[i].path);
      EXPECT_TRUE(paths[i].size == 0 || paths[i].size == listed[i].size) << paths[i].path;
    }
  }
}

// A folder's files sort with its name followed by '/': "d/a-1" and
// "d/a.json" come before "d/a/x", and "d/a0" after it (bytes '-' '.' < '/' < '0').
TEST_P(FileSystemContractTest, ListOrdersFoldersAmongFilesByPath) {
  std::vector<std::string> want = {"d/a/x",   "d/a-1", "d/a.json", "d/a0",
                                   "d/a/b/y", "d/ab",  "d/a/b-c",  "e/f"};
  for (const std::string& p : want) ASSERT_TRUE(fs_->Write(p, p).ok());
  std::sort(want.begin(), want.end());
  for (const std::string prefix : {"", "d/", "d/a"}) {
    std::vector<FileInfo> files;
    ASSERT_TRUE(fs_->List(prefix, &files).ok());
    std::vector<std::string> got, expected;
    for (const FileInfo& f : files) got.push_back(f.path);
    for (const std::string& p : want) {
      if (p.starts_with(prefix)) expected.push_back(p);
    }
    EXPECT_EQ(got, expected) << "prefix '" << prefix << "'";
  }
}

TEST_P(FileSystemContractTest, ReadManyVisitsEveryPath) {
  std::vector<std::string> paths;
  for (int i = 0; i < 20; ++i) {
    paths.push_back("many/" + std::to_string(i));
    ASSERT_TRUE(fs_->Write(paths.back(), std::string(i, 'x')).ok());
  }
  paths.push_back("many/missing");
  // Folders change from path to path, come back, are missing or are the root.
  const std::vector<std::pair<std::string, int>> more = {
      {"many/a/x", 3}, {"many/b/y", 4}, {"many/a/z", 5},  {"top", 6},
      {"gone/w", -2},  {"many/b/y", 4}, {"../escape", -2}};
  for (auto& [path, size] : more) {
    if (size >= 0) {
      ASSERT_TRUE(fs_->Write(path, std::string(size, 'y')).ok());
    }
    paths.push_back(path);
  }
  std::vector<int> seen(paths.size(), -1);
  std::mutex mu;
  fs_->ReadMany(paths, [&](size_t i, const Status& s, std::string&& data) {
    std::lock_guard<std::mutex> lock(mu);
    seen[i] = s.ok() ? static_cast<int>(data.size()) : -2;
    if (s.ok() && i > 20) {
      EXPECT_EQ(data, std::string(data.size(), 'y'));
    }
  });
  for (int i = 0; i < 20; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_EQ(seen[20], -2);
  for (size_t k = 0; k < more.size(); ++k) EXPECT_EQ(seen[21 + k], more[k].second) << more[k].first;
}

INSTANTIATE_TEST_SUITE_P(AllImplementations, FileSystemContractTest,
                         ::testing::Values("local", "memory"));

TEST_P(FileSystemContractTest, CopyMakesAnIndependentWholeFile) {
  ASSERT_TRUE(fs_->Write("_staging/run/songs/year=1969/part-0.parquet", "abc").ok());
  ASSERT_TRUE(fs_->Write("songs/year=1969/part-old.parquet", "old").ok());
  ASSERT_TRUE(
      fs_->Copy("_staging/run/songs/year=1969/part-0.parquet", "songs/year=1969/part-0.parquet")
          .ok());
  std::string data;
  ASSERT_TRUE(fs_->Read("songs/year=1969/part-0.parquet", &data).ok());
  EXPECT_EQ(data, "abc");
  // A copy replaces its target, and deleting the source leaves the copy.
  ASSERT_TRUE(fs_->Copy("songs/year=1969/part-0.parquet", "songs/year=1969/part-old.parquet").ok());
  ASSERT_TRUE(fs_->Delete({"_staging/run/songs/year=1969/part-0.parquet"}).ok());
  ASSERT_TRUE(fs_->Read("songs/year=1969/part-old.parquet", &data).ok());
  EXPECT_EQ(data, "abc");
  // Overwriting the source later does not change the copy.
  ASSERT_TRUE(fs_->Write("songs/year=1969/part-0.parquet", "new").ok());
  ASSERT_TRUE(fs_->Read("songs/year=1969/part-old.parquet", &data).ok());
  EXPECT_EQ(data, "abc");
  EXPECT_TRUE(fs_->Copy("missing", "somewhere").IsNotFound());
  EXPECT_TRUE(fs_->Read("somewhere", &data).IsNotFound());
  std::vector<FileInfo> files;
  ASSERT_TRUE(fs_->List("", &files).ok());
  EXPECT_EQ(files.size(), 2u);  // no temporaries or leftovers are listed
}

TEST_P(FileSystemContractTest, CopyManyCopiesEveryFileAndReportsAFailure) {
  std::vector<std::pair<std::string, std::string>> copies;
  for (int i = 0; i < 20; ++i) {
    std::string from = "a/f" + std::to_string(i);
    ASSERT_TRUE(fs_->Write(from, "contents " + std::to_string(i)).ok());
    copies.emplace_back(from, "b/x=" + std::to_string(i) + "/f");
  }
  ASSERT_TRUE(fs_->CopyMany(copies).ok());
  for (int i = 0; i < 20; ++i) {
    std::string data;
    ASSERT_TRUE(fs_->Read(copies[i].second, &data).ok());
    EXPECT_EQ(data, "contents " + std::to_string(i));
  }
  copies.insert(copies.begin(), {"a/missing", "b/missing"});
  EXPECT_TRUE(fs_->CopyMany(copies).IsNotFound());
  EXPECT_TRUE(fs_->CopyMany({}).ok());
  // Nothing to wait for on stores without write-behind.
  EXPECT_TRUE(fs_->WaitForWrites().ok());
}

TEST(LocalFileSystemTest, MissingRootIsNotFound) {
  auto fs = NewLocalFileSystem("/nonexistent/sparkify/root");
  std::vector<FileInfo> files;
  EXPECT_TRUE(fs->List("", &files).IsNotFound());
  EXPECT_TRUE(fs->ListPaths("", &files).IsNotFound());
}

// ListPaths skips the stat of a plain file but still follows a symbolic link
// (to a file: listed; to a folder: walked), as List does; temporaries are
// left out.
TEST(LocalFileSystemTest, ListPathsFollowsLinksAndLeavesOutTemporaries) {
  auto dir =
      std::filesystem::temp_directory_path() / ("sparkify-paths-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "in/d");
  std::filesystem::create_directories(dir / "elsewhere");
  auto write = [](const std::filesystem::path& p, const std::string& text) {
    std::FILE* f = std::fopen(p.c_str(), "w");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  };
  write(dir / "in/d/a.json", "{}");
  write(dir / "elsewhere/b.json", "{\"x\":1}");
  write(dir / "elsewhere/c.json", "[]");
  write(dir / ("in/d/.e.json.sparkify-tmp-" + std::to_string(::getpid()) + "-1"), "");
  std::filesystem::create_symlink(dir / "elsewhere/b.json", dir / "in/b.json");
  std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "in/linked");
  auto fs = NewLocalFileSystem((dir / "in").string());
  std::vector<FileInfo> listed, paths;
  ASSERT_TRUE(fs->List("", &listed).ok());
  ASSERT_TRUE(fs->ListPaths("", &paths).ok());
  std::vector<std::string> got, want;
  for (const FileInfo& f : paths) got.push_back(f.path);
  for (const FileInfo& f : listed) want.push_back(f.path);
  EXPECT_EQ(got,
            (std::vector<std::string>{"b.json", "d/a.json", "linked/b.json", "linked/c.json"}));
  EXPECT_EQ(got, want);
  EXPECT_EQ(paths[0].size, 7u);  // a link is stat'ed (to know what it points to)
  EXPECT_EQ(paths[1].size, 0u);  // a plain file is not
  std::filesystem::remove_all(dir);
}

TEST(LocalFileSystemTest, CleanupRemovesDeadWritersTemporaries) {
  auto dir =
      std::filesystem::temp_directory_path() / ("sparkify-cleanup-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "songs");
  // A temporary of a process that cannot exist (pid beyond pid_max) and one of ours.
  std::string dead = (dir / "songs/.part.parquet.sparkify-tmp-2147483646-0").string();
  std::string live =
      (dir / ("songs/.b.sparkify-tmp-" + std::to_string(::getpid()) + "-9")).string();
  {
    std::FILE* f = std::fopen(dead.c_str(), "w");
    std::fclose(f);
  }
  {
    std::FILE* f = std::fopen(live.c_str(), "w");
    std::fclose(f);
  }
  auto fs = NewLocalFileSystem(dir.string());
  size_t removed = 0;
  ASSERT_TRUE(fs->CleanupTemporaries("", &removed).ok());
  EXPECT_EQ(removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(live));
  std::filesystem::remove_all(dir);
}

// In-place files are made relative to a folder the thread keeps open from
// file to file: files alternating between two file systems, folders deleted
// (and made again) between files, and partitions under one parent must all
// land where their paths say.
TEST(LocalFileSystemTest, InPlaceFilesLandUnderTheirOwnPathsAcrossFileSystemsAndDeletions) {
  const auto base =
      std::filesystem::temp_directory_path() / ("sparkify-inplace-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  auto a = NewLocalFileSystem((base / "a").string());
  auto b = NewLocalFileSystem((base / "b").string());
  auto write = [](FileSystem* fs, const std::string& path, const std::string& text) {
    std::unique_ptr<WritableFile> f;
    Status s = fs->NewWritableFileInPlace(path, &f);
    if (s.ok()) s = f->Append(text);
    if (s.ok()) s = f->Close();
    return s;
  };
  // The same relative paths in two roots, alternating.
  for (int i = 0; i < 3; ++i) {
    const std::string path = "v/year=2000/artist_id=A" + std::to_string(i) + "/part-0";
    ASSERT_TRUE(write(a.get(), path, "a" + std::to_string(i)).ok());
    ASSERT_TRUE(write(b.get(), path, "b" + std::to_string(i)).ok());
  }
  // The open parent and the last partition folder deleted from outside: the
  // next files in them are made again, under the same names.
  std::filesystem::remove_all(base / "a/v/year=2000");
  ASSERT_TRUE(write(a.get(), "v/year=2000/artist_id=A2/part-1", "again").ok());
  ASSERT_TRUE(write(a.get(), "v/year=2000/artist_id=A3/part-2", "new").ok());
  std::filesystem::remove_all(base / "a/v/year=2000/artist_id=A3");
  ASSERT_TRUE(write(a.get(), "v/year=2000/artist_id=A3/part-3", "remade").ok());
  std::vector<FileInfo> files;
  ASSERT_TRUE(a->List("", &files).ok());
  std::vector<std::string> paths;
  for (const FileInfo& f : files) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"v/year=2000/artist_id=A2/part-1",
                                             "v/year=2000/artist_id=A3/part-3"}));
  ASSERT_TRUE(b->List("", &files).ok());
  ASSERT_EQ(files.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    std::string contents;
    ASSERT_TRUE(b->Read("v/year=2000/artist_id=A" + std::to_string(i) + "/part-0", &contents).ok());
    EXPECT_EQ(contents, "b" + std::to_string(i));
  }
  std::string contents;
  ASSERT_TRUE(a->Read("v/year=2000/artist_id=A3/part-3", &contents).ok());
  EXPECT_EQ(contents, "remade");
  std::filesystem::remove_all(base);
}

TEST(LocalFileSystemTest, UnwritableRootIsPermissionDenied) {
  // Even root cannot create directories under /proc.
  auto fs = NewLocalFileSystem("/proc/sparkify");
  Status s = fs->Write("x", "y");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/proc/sparkify"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace sparkify::fs
