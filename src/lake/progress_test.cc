#include "lake/progress.h"

#include <gtest/gtest.h>

namespace sparkify::lake {
namespace {

TEST(Progress, LineShowsPercentRateAndEta) {
  std::string bar =
      Progress::FormatLine("parse", 50'000'000, 200'000'000, Progress::Unit::kBytes, 2.0, true);
  EXPECT_NE(bar.find("[#######........"), std::string::npos) << bar;
  EXPECT_NE(bar.find(" 25%"), std::string::npos) << bar;
  EXPECT_NE(bar.find("50.0 MB of 200.0 MB"), std::string::npos) << bar;
  EXPECT_NE(bar.find("25.0 MB/s"), std::string::npos) << bar;
  EXPECT_NE(bar.find("ETA 0:06"), std::string::npos) << bar;

  std::string plain = Progress::FormatLine("write", 3, 4, Progress::Unit::kFiles, 1.0, false);
  EXPECT_EQ(plain.find('['), std::string::npos) << plain;
  EXPECT_NE(plain.find("75% 3 files of 4 files"), std::string::npos) << plain;
  // Done: no ETA.
  EXPECT_EQ(Progress::FormatLine("write", 4, 4, Progress::Unit::kFiles, 1.0, false).find("ETA"),
            std::string::npos);
}

TEST(Progress, ShortRunsPrintNothing) {
  std::FILE* out = std::tmpfile();
  {
    Progress progress(Progress::Mode::kTerminal, out);
    std::atomic<uint64_t> done{10};
    progress.StartStage("parse", 100, Progress::Unit::kBytes, &done);
    progress.EndStage();
  }
  EXPECT_EQ(std::ftell(out), 0);
  std::fclose(out);
}

}  // namespace
}  // namespace sparkify::lake
