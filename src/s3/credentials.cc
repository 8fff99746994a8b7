#include "s3/credentials.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sparkify::s3 {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string StripQuotes(std::string v) {
  if (v.size() >= 2 &&
      ((v.front() == '"' && v.back() == '"') || (v.front() == '\'' && v.back() == '\''))) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

class Env {
 public:
  explicit Env(const CredentialOptions& o) : o_(o) {}
  std::string Get(const std::string& name) const {
    if (o_.use_env_override) {
      auto it = o_.env_override.find(name);
      return it == o_.env_override.end() ? "" : it->second;
    }
    const char* v = std::getenv(name.c_str());
    return v ? v : "";
  }
  std::string Home() const { return Get("HOME"); }
  std::string Profile() const {
    std::string p = Get("AWS_PROFILE");
    return p.empty() ? "default" : p;
  }
  std::string CredentialsFile() const {
    std::string f = Get("AWS_SHARED_CREDENTIALS_FILE");
    return !f.empty() ? f : Home().empty() ? "" : Home() + "/.aws/credentials";
  }
  std::string ConfigFile() const {
    std::string f = Get("AWS_CONFIG_FILE");
    return !f.empty() ? f : Home().empty() ? "" : Home() + "/.aws/config";
  }

 private:
  const CredentialOptions& o_;
};

bool ReadFile(const std::string& path, std::string* text) {
  if (path.empty()) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *text = ss.str();
  return true;
}

using Ini = std::map<std::string, std::map<std::string, std::string>>;

// Looks a key up case-insensitively (dl.cfg writers use either case).
std::string Lookup(const std::map<std::string, std::string>& section, const std::string& key) {
  for (const auto& [k, v] : section) {
    if (k.size() != key.size()) continue;
    bool same = true;
    for (size_t i = 0; i < k.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(k[i])) ==
             std::tolower(static_cast<unsigned char>(key[i]));
    }
    if (same) return v;
  }
  return "";
}

bool FromSection(const std::map<std::string, std::string>& section, Credentials* out) {
  out->access_key_id = Lookup(section, "aws_access_key_id");
  out->secret_access_key = Lookup(section, "aws_secret_access_key");
  out->session_token = Lookup(section, "aws_session_token");
  return !out->access_key_id.empty() && !out->secret_access_key.empty();
}

const std::map<std::string, std::string>* ConfigSection(const Ini& ini,
                                                        const std::string& profile) {
  auto it = ini.find(profile == "default" ? "default" : "profile " + profile);
  if (it == ini.end()) it = ini.find(profile);
  return it == ini.end() ? nullptr : &it->second;
}

}  // namespace

std::string Credentials::Describe() const {
  if (anonymous) return "anonymous (unsigned requests)";
  return "access key " + access_key_id + " from " + source;
}

Ini ParseIni(const std::string& text) {
  Ini ini;
  std::string section;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = Trim(t.substr(1, t.size() - 2));
      ini[section];
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    ini[section][Trim(t.substr(0, eq))] = StripQuotes(Trim(t.substr(eq + 1)));
  }
  return ini;
}

Status ResolveCredentials(const CredentialOptions& options, Credentials* out) {
  *out = Credentials();
  if (options.anonymous) {
    out->anonymous = true;
    out->source = "--no-sign-request";
    return Status::OK();
  }
  Env env(options);

  if (!options.config_file.empty()) {
    std::string text;
    if (!ReadFile(options.config_file, &text)) {
      return Status::InvalidArgument("cannot read config file " + options.config_file);
    }
    Ini ini = ParseIni(text);
    auto it = ini.find("AWS");
    if (it == ini.end() || !FromSection(it->second, out)) {
      return Status::InvalidArgument("config file " + options.config_file +
                                     " has no [AWS] section with AWS_ACCESS_KEY_ID and "
                                     "AWS_SECRET_ACCESS_KEY");
    }
    out->source = options.config_file;
    return Status::OK();
  }

  out->access_key_id = env.Get("AWS_ACCESS_KEY_ID");
  out->secret_access_key = env.Get("AWS_SECRET_ACCESS_KEY");
  out->session_token = env.Get("AWS_SESSION_TOKEN");
  if (!out->access_key_id.empty() && !out->secret_access_key.empty()) {
    out->source = "environment";
    return Status::OK();
  }

  std::string profile = env.Profile();
  std::string text;
  if (ReadFile(env.CredentialsFile(), &text)) {
    Ini ini = ParseIni(text);
    auto it = ini.find(profile);
    if (it != ini.end() && FromSection(it->second, out)) {
      out->source = "profile " + profile + " in " + env.CredentialsFile();
      return Status::OK();
    }
  }
  if (ReadFile(env.ConfigFile(), &text)) {
    Ini ini = ParseIni(text);
    const auto* section = ConfigSection(ini, profile);
    if (section && FromSection(*section, out)) {
      out->source = "profile " + profile + " in " + env.ConfigFile();
      return Status::OK();
    }
  }
  *out = Credentials();
  return Status::NotFound(
      "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, add profile '" +
      profile + "' to " + env.CredentialsFile() +
      ", pass --config dl.cfg, or use --no-sign-request for a public bucket");
}

std::string ResolveRegion(const CredentialOptions& options) {
  Env env(options);
  std::string region = env.Get("AWS_REGION");
  if (region.empty()) region = env.Get("AWS_DEFAULT_REGION");
  if (!region.empty()) return region;
  std::string text;
  if (ReadFile(env.ConfigFile(), &text)) {
    Ini ini = ParseIni(text);
    const auto* section = ConfigSection(ini, env.Profile());
    if (section) return Lookup(*section, "region");
  }
  return "";
}

}  // namespace sparkify::s3
