// SongplayFiles: the ordered, single-threaded half of the streaming log
// stage. It takes each chunk's rows (songplay_rows.h) in input order and
//   - makes songplay ids unique across the run: an id already taken moves the
//     later event to its next salt, as AssignSongplayIds does for the
//     in-memory transform (songplay_id.h);
//   - keeps the latest event of every user (the users table);
//   - buffers songplays per (year, month) partition and hands out a file job
//     as soon as a partition holds `max_rows_per_file` rows, or, when more
//     than `max_buffered_rows` rows wait in all partitions, for the biggest
//     partition; so memory for songplays is bounded whatever the log size;
//   - collects each partition's distinct start times for the time table,
//     whose files are cut at the end (a start time may recur in any chunk).
// Rows inside a file are sorted by (start_time, songplay_id). Which rows go
// into which file depends on the chunk plan and the data only, never on the
// thread count, so the lake is byte-identical for any --threads.
//
// How to use:
//   SongplayFiles files(max_rows_per_file, max_buffered_rows);
//   files.ReserveIds(expected songplays)   (optional)
//   for each chunk, in order: files.Add(std::move(rows), &jobs); write jobs
//   files.Finish(&jobs); write jobs (the last songplay files, then time)
//   files.Users()  -> the users table rows
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lake/id_set.h"
#include "lake/songplay_rows.h"
#include "lake/table_layout.h"

namespace sparkify::lake {

// Log bytes per songplay, a little more than in eventsim's logs (~550): an
// estimate for ReserveIds() from the size of the logs that does not overshoot.
inline constexpr uint64_t kLogBytesPerSongplay = 600;

class SongplayFiles {
 public:
  SongplayFiles(size_t max_rows_per_file, size_t max_buffered_rows);
  ~SongplayFiles();
  SongplayFiles(const SongplayFiles&) = delete;
  SongplayFiles& operator=(const SongplayFiles&) = delete;

  // Makes room for about `songplays` ids up front (a hint): growing the set
  // of the ids taken so far rehashes every one of them.
  void ReserveIds(size_t songplays);

  // Adds the next chunk's rows; appends the jobs of files that are now full.
  void Add(ChunkRows rows, std::vector<FileJob>* jobs);

  // Appends the jobs of every songplay row still buffered, then of the time
  // table. Call once, after the last Add().
  void Finish(std::vector<FileJob>* jobs);

  // The users table: each user's latest event, ascending user_id. The rows
  // point into this object.
  std::vector<UserRow> Users() const;

  uint64_t songplays() const { return songplays_; }
  uint64_t matched() const { return matched_; }
  uint64_t time_rows() const { return time_rows_; }
  size_t buffered_rows() const { return buffered_; }

 private:
  struct Piece {
    std::shared_ptr<const SongplaySegment> segment;
    size_t begin = 0, end = 0;
  };
  struct Partition {
    std::vector<Piece> pieces;
    size_t rows = 0;
    // The distinct start times, for the time table. While each chunk's come
    // after the ones before (logs are in time order), they are kept sorted and
    // unique, already cut into the time files' rows (max_rows_per_file each),
    // so that Finish hands them over without sorting or copying them; growing
    // one vector instead copied it into fresh memory at every doubling. Once
    // a chunk's times go back (times_sorted false), they are only collected,
    // and sorted and made unique in Finish.
    std::vector<std::vector<int64_t>> times;
    bool times_sorted = true;
  };
  using Key = std::pair<int32_t, int32_t>;  // (year, month)

  // Appends a segment's distinct start times (n, ascending) to p->times.
  void AddTimes(const int64_t* start_us, size_t n, Partition* p) const;
  // Takes the first `rows` buffered rows of `p` into a file job.
  void Cut(const Key& key, Partition* p, size_t rows, std::vector<FileJob>* jobs);

  const size_t max_rows_per_file_;
  const size_t max_buffered_rows_;
  std::unique_ptr<IdSet> ids_;
  std::map<Key, Partition> partitions_;
  // Copies `u`'s text (in `from`) to the end of user_text_ and points `u` there.
  void KeepUserText(std::string_view from, UserCandidate* u);
  // Drops the text of users that have since been replaced, when it is most of user_text_.
  void CompactUserText();

  std::vector<UserCandidate> users_;  // ascending user_id; their text in user_text_
  std::vector<int64_t> user_ids_;     // users_[i].user_id
  std::string user_text_;
  size_t user_text_live_ = 0;  // bytes of user_text_ that users_ point to
  size_t buffered_ = 0;
  uint64_t songplays_ = 0, matched_ = 0, time_rows_ = 0;
};

}  // namespace sparkify::lake
