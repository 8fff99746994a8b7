// AWS Signature Version 4 for S3 requests, header-based, payload in one piece.
//
// How to use:
//   1. Build a SigningRequest: method, host (as sent in Host:), the canonical
//      URI (already percent-encoded, exactly as sent on the wire: see UriEncode),
//      the raw (unencoded) query parameters, the headers to sign, and the hex
//      SHA-256 of the payload (or kUnsignedPayload).
//   2. Call SignRequest(); it returns the Authorization header value and the
//      x-amz-* headers (date, content hash, session token) that must be sent too.
//
// Why our own: libcurl 7.88's CURLOPT_AWS_SIGV4 mis-encodes keys holding '='.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sparkify::s3 {

// The x-amz-content-sha256 value for requests whose payload is not hashed.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string: the payload hash of GET, HEAD and DELETE.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Percent-encodes per RFC 3986 as SigV4 wants it: unreserved characters
// (A-Z a-z 0-9 - _ . ~) stay, every other byte becomes %XX (uppercase hex).
// With keep_slash, '/' stays too (object key paths).
std::string UriEncode(std::string_view in, bool keep_slash);

// The canonical query string: parameters encoded with UriEncode, sorted by name
// then value, "name=value" joined with '&' (a valueless parameter is "name=").
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& params);

std::string Sha256Hex(std::string_view data);
// Raw (32-byte) HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);
// Base64 of the raw MD5 of `data` (the Content-MD5 header).
std::string Md5Base64(std::string_view data);

// "20130524T000000Z" for a time in seconds since the epoch.
std::string AmzDate(int64_t unix_seconds);

struct SigningRequest {
  std::string method;         // "GET", "PUT", ...
  std::string host;           // "bucket.s3.us-east-1.amazonaws.com" or "127.0.0.1:9000"
  std::string canonical_uri;  // encoded path, e.g. "/bucket/year%3D2018/a.json"
  std::vector<std::pair<std::string, std::string>> query;  // raw, unencoded
  // Headers to sign besides host and the x-amz-* ones SignRequest adds.
  // Names are lowercased by the signer; values are trimmed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  // hex, or kUnsignedPayload
};

struct SigningCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

struct SignedHeaders {
  std::string authorization;  // the Authorization header value
  // Headers to send besides the request's own: x-amz-date,
  // x-amz-content-sha256 and (if any) x-amz-security-token.
  std::vector<std::pair<std::string, std::string>> extra_headers;
  std::string canonical_request;  // for tests and debugging; holds no secret
  std::string string_to_sign;
};

// Signs `request` at `amz_date` ("YYYYMMDDTHHMMSSZ") for `region` and service "s3".
SignedHeaders SignRequest(const SigningRequest& request, const SigningCredentials& credentials,
                          std::string_view region, std::string_view amz_date,
                          std::string_view service = "s3");

}  // namespace sparkify::s3
