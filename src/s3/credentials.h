// Where S3 credentials come from, in the order AWS tools use, plus the original
// project's dl.cfg:
//   1. anonymous (--no-sign-request): no credentials, requests are not signed;
//   2. an explicit config file (dl.cfg: [AWS] AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
//      optional AWS_SESSION_TOKEN), when one is given;
//   3. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
//   4. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials),
//      profile AWS_PROFILE (default "default");
//   5. the shared config file (AWS_CONFIG_FILE or ~/.aws/config), section
//      [default] or [profile NAME].
// The region comes from the same places: AWS_REGION, AWS_DEFAULT_REGION, then the
// profile's `region` in the config file.
//
// Credentials never appear in messages: Describe() names only the source.
#pragma once

#include <map>
#include <string>

#include "common/status.h"

namespace sparkify::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  bool anonymous = false;
  std::string source;  // "environment", "profile default in ~/.aws/credentials", ...

  // For messages: the source and the access key id, never the secret.
  std::string Describe() const;
};

// Where to look; every field has the AWS tools' default when empty.
struct CredentialOptions {
  bool anonymous = false;
  std::string config_file;  // dl.cfg
  // Tests set these to avoid touching the real environment; empty = getenv/$HOME.
  std::map<std::string, std::string> env_override;
  bool use_env_override = false;
};

// Finds credentials; NotFound (with the places looked at) when none exist,
// InvalidArgument when a given config file is unreadable or incomplete.
Status ResolveCredentials(const CredentialOptions& options, Credentials* out);

// The region configured for the profile (AWS_REGION, AWS_DEFAULT_REGION, the
// config file's `region`); empty when none is set.
std::string ResolveRegion(const CredentialOptions& options);

// Parses INI text ("[section]" lines, "key = value" lines, '#' and ';' comments)
// into section -> key -> value. Section and key names are kept as written.
std::map<std::string, std::map<std::string, std::string>> ParseIni(const std::string& text);

}  // namespace sparkify::s3
