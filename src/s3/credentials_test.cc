#include "s3/credentials.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sparkify::s3 {
namespace {

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sparkify-cred-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / ".aws");
    options_.use_env_override = true;
    options_.env_override["HOME"] = dir_.string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void WriteFile(const std::string& rel, const std::string& text) {
    std::ofstream(dir_ / rel) << text;
  }

  std::filesystem::path dir_;
  CredentialOptions options_;
};

TEST_F(CredentialsTest, EnvironmentWins) {
  WriteFile(".aws/credentials",
            "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n");
  options_.env_override["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  options_.env_override["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  options_.env_override["AWS_SESSION_TOKEN"] = "ENVTOKEN";
  Credentials c;
  ASSERT_TRUE(ResolveCredentials(options_, &c).ok());
  EXPECT_EQ(c.access_key_id, "ENVKEY");
  EXPECT_EQ(c.secret_access_key, "ENVSECRET");
  EXPECT_EQ(c.session_token, "ENVTOKEN");
  EXPECT_EQ(c.Describe().find("ENVSECRET"), std::string::npos);
}

TEST_F(CredentialsTest, SharedCredentialsFileProfile) {
  WriteFile(".aws/credentials",
            "# comment\n[default]\naws_access_key_id=DEFKEY\naws_secret_access_key=DEFSECRET\n"
            "[work]\naws_access_key_id = WORKKEY\naws_secret_access_key = WORK/SECRET+=\n"
            "aws_session_token = WORKTOKEN\n");
  Credentials c;
  ASSERT_TRUE(ResolveCredentials(options_, &c).ok());
  EXPECT_EQ(c.access_key_id, "DEFKEY");
  options_.env_override["AWS_PROFILE"] = "work";
  ASSERT_TRUE(ResolveCredentials(options_, &c).ok());
  EXPECT_EQ(c.access_key_id, "WORKKEY");
  EXPECT_EQ(c.secret_access_key, "WORK/SECRET+=");
  EXPECT_EQ(c.session_token, "WORKTOKEN");
}

TEST_F(CredentialsTest, ConfigFileProfileAndRegion) {
  WriteFile(".aws/config",
            "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\n"
            "aws_access_key_id = DEVKEY\naws_secret_access_key = DEVSECRET\n");
  EXPECT_EQ(ResolveRegion(options_), "eu-west-1");
  options_.env_override["AWS_PROFILE"] = "dev";
  Credentials c;
  ASSERT_TRUE(ResolveCredentials(options_, &c).ok());
  EXPECT_EQ(c.access_key_id, "DEVKEY");
  EXPECT_EQ(ResolveRegion(options_), "us-west-2");
  options_.env_override["AWS_DEFAULT_REGION"] = "ap-south-1";
  EXPECT_EQ(ResolveRegion(options_), "ap-south-1");
  options_.env_override["AWS_REGION"] = "sa-east-1";
  EXPECT_EQ(ResolveRegion(options_), "sa-east-1");
}

TEST_F(CredentialsTest, DlCfgFromTheOriginalProject) {
  WriteFile("dl.cfg", "[AWS]\nAWS_ACCESS_KEY_ID='CFGKEY'\nAWS_SECRET_ACCESS_KEY='CFGSECRET'\n");
  options_.config_file = (dir_ / "dl.cfg").string();
  options_.env_override["AWS_ACCESS_KEY_ID"] = "ENVKEY";  // an explicit file wins
  options_.env_override["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  Credentials c;
  ASSERT_TRUE(ResolveCredentials(options_, &c).ok());
  EXPECT_EQ(c.access_key_id, "CFGKEY");
  EXPECT_EQ(c.secret_access_key, "CFGSECRET");
}

TEST_F(CredentialsTest, BrokenDlCfgIsAnErrorWithoutTheSecret) {
  WriteFile("dl.cfg", "[AWS]\nAWS_SECRET_ACCESS_KEY=TOPSECRET\n");
  options_.config_file = (dir_ / "dl.cfg").string();
  Credentials c;
  Status s = ResolveCredentials(options_, &c);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.ToString().find("TOPSECRET"), std::string::npos);
  options_.config_file = (dir_ / "missing.cfg").string();
  EXPECT_TRUE(ResolveCredentials(options_, &c).IsInvalidArgument());
}

TEST_F(CredentialsTest, AnonymousAndNone) {
  Credentials c;
  EXPECT_TRUE(ResolveCredentials(options_, &c).IsNotFound());
  options_.anonymous = true;
  ASSERT_TRUE(ResolveCredentials(options_, &c).ok());
  EXPECT_TRUE(c.anonymous);
  EXPECT_TRUE(c.secret_access_key.empty());
}

}  // namespace
}  // namespace sparkify::s3
