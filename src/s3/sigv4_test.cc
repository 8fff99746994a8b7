#include "s3/sigv4.h"

#include <gtest/gtest.h>

namespace sparkify::s3 {
namespace {

// The examples of the S3 API reference, "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk".
const SigningCredentials kDocCredentials{"AKIAIOSFODNN7EXAMPLE",
                                         "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr char kDocHost[] = "examplebucket.s3.amazonaws.com";
constexpr char kDocDate[] = "20130524T000000Z";

std::string SignatureOf(const SignedHeaders& h) {
  size_t at = h.authorization.find("Signature=");
  return at == std::string::npos ? "" : h.authorization.substr(at + 10);
}

TEST(SigV4, DocsExampleGetObjectWithRange) {
  SigningRequest r;
  r.method = "GET";
  r.host = kDocHost;
  r.canonical_uri = "/test.txt";
  r.headers = {{"Range", "bytes=0-9"}};
  r.payload_sha256 = std::string(kEmptyPayloadSha256);
  SignedHeaders h = SignRequest(r, kDocCredentials, "us-east-1", kDocDate);
  EXPECT_EQ(SignatureOf(h), "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_NE(h.authorization.find("Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                                 "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;"
                                 "x-amz-date, "),
            std::string::npos)
      << h.authorization;
  EXPECT_EQ(h.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4, DocsExamplePutObjectWithDollarInKey) {
  const std::string payload = "Welcome to Amazon S3.";
  SigningRequest r;
  r.method = "PUT";
  r.host = kDocHost;
  r.canonical_uri = "/" + UriEncode("test$file.text", true);
  r.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  r.payload_sha256 = Sha256Hex(payload);
  EXPECT_EQ(r.payload_sha256, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(r.canonical_uri, "/test%24file.text");
  SignedHeaders h = SignRequest(r, kDocCredentials, "us-east-1", kDocDate);
  EXPECT_EQ(SignatureOf(h), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, DocsExampleGetBucketLifecycleValuelessParameter) {
  SigningRequest r;
  r.method = "GET";
  r.host = kDocHost;
  r.canonical_uri = "/";
  r.query = {{"lifecycle", ""}};
  r.payload_sha256 = std::string(kEmptyPayloadSha256);
  SignedHeaders h = SignRequest(r, kDocCredentials, "us-east-1", kDocDate);
  EXPECT_EQ(SignatureOf(h), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, DocsExampleListObjectsSortsQuery) {
  SigningRequest r;
  r.method = "GET";
  r.host = kDocHost;
  r.canonical_uri = "/";
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};  // unsorted on purpose
  r.payload_sha256 = std::string(kEmptyPayloadSha256);
  SignedHeaders h = SignRequest(r, kDocCredentials, "us-east-1", kDocDate);
  EXPECT_EQ(SignatureOf(h), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, SigningKeyDerivationMatchesGeneralExample) {
  // The SigV4 general reference derives this key for 20120215/us-east-1/iam.
  std::string key = HmacSha256("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215");
  key = HmacSha256(key, "us-east-1");
  key = HmacSha256(key, "iam");
  key = HmacSha256(key, "aws4_request");
  EXPECT_EQ(HexEncode(key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4, UriEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(UriEncode("year=2018/month=11/a b+c%d~e_f-g.h", true),
            "year%3D2018/month%3D11/a%20b%2Bc%25d~e_f-g.h");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("\xc3\xa9t\xc3\xa9", true), "%C3%A9t%C3%A9");  // "été"
  EXPECT_EQ(UriEncode("*'()!", true), "%2A%27%28%29%21");
}

TEST(SigV4, CanonicalQueryEncodesAndSorts) {
  EXPECT_EQ(CanonicalQueryString({{"prefix", "song_data/A=B c"},
                                  {"list-type", "2"},
                                  {"continuation-token", "1/+x=="},
                                  {"uploads", ""}}),
            "continuation-token=1%2F%2Bx%3D%3D&list-type=2&prefix=song_data%2FA%3DB%20c&uploads=");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  SigningRequest r;
  r.method = "GET";
  r.host = kDocHost;
  r.canonical_uri = "/test.txt";
  r.payload_sha256 = std::string(kEmptyPayloadSha256);
  SigningCredentials with_token = kDocCredentials;
  with_token.session_token = "FQoGZXIvYXdzEXAMPLETOKEN";
  SignedHeaders plain = SignRequest(r, kDocCredentials, "us-east-1", kDocDate);
  SignedHeaders temp = SignRequest(r, with_token, "us-east-1", kDocDate);
  EXPECT_NE(temp.authorization.find("x-amz-date;x-amz-security-token"), std::string::npos);
  EXPECT_NE(SignatureOf(plain), SignatureOf(temp));
  bool sent = false;
  for (const auto& [name, value] : temp.extra_headers) {
    sent |= name == "x-amz-security-token" && value == with_token.session_token;
  }
  EXPECT_TRUE(sent);
}

TEST(SigV4, SignatureNeverContainsTheSecret) {
  SigningRequest r;
  r.method = "GET";
  r.host = kDocHost;
  r.canonical_uri = "/x";
  r.payload_sha256 = std::string(kUnsignedPayload);
  SignedHeaders h = SignRequest(r, kDocCredentials, "eu-west-1", kDocDate);
  EXPECT_EQ(h.authorization.find(kDocCredentials.secret_access_key), std::string::npos);
  EXPECT_EQ(h.canonical_request.find(kDocCredentials.secret_access_key), std::string::npos);
  EXPECT_NE(h.canonical_request.find("x-amz-content-sha256:UNSIGNED-PAYLOAD"), std::string::npos);
}

TEST(SigV4, HeaderValuesAreTrimmedAndNamesLowercased) {
  SigningRequest r;
  r.method = "GET";
  r.host = kDocHost;
  r.canonical_uri = "/test.txt";
  r.headers = {{"RANGE", "  bytes=0-9 "}};
  r.payload_sha256 = std::string(kEmptyPayloadSha256);
  SignedHeaders h = SignRequest(r, kDocCredentials, "us-east-1", kDocDate);
  EXPECT_EQ(SignatureOf(h), "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, HelpersMatchKnownDigests) {
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadSha256);
  EXPECT_EQ(Md5Base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(AmzDate(1369353600), "20130524T000000Z");
}

}  // namespace
}  // namespace sparkify::s3
