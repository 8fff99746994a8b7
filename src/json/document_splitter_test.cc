#include "json/document_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sparkify::json {
namespace {

std::vector<Document> Split(std::string_view text) {
  std::vector<Document> docs;
  DocumentSplitter splitter(text);
  Document d;
  while (splitter.Next(&d)) docs.push_back(d);
  return docs;
}

TEST(DocumentSplitter, JsonLinesWithoutFinalNewline) {
  auto docs = Split("{\"a\":1}\n{\"b\":\"}\"}\r\n\n{\"c\":[1,{\"d\":2}]}");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].text, "{\"a\":1}");
  EXPECT_EQ(docs[1].text, "{\"b\":\"}\"}");
  EXPECT_EQ(docs[2].text, "{\"c\":[1,{\"d\":2}]}");
  EXPECT_EQ(docs[2].line, 4u);
  EXPECT_EQ(docs[2].ordinal, 2u);
  for (auto& d : docs) EXPECT_FALSE(d.truncated);
}

TEST(DocumentSplitter, ConcatenatedAndPrettyPrinted) {
  auto docs = Split("{\"a\":1}{\"a\":2} {\"a\":\"x\\\"}\"}\n{\n  \"b\": {\n    \"c\": 1\n  }\n}\n");
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[2].text, "{\"a\":\"x\\\"}\"}");
  EXPECT_EQ(docs[3].line, 2u);
  EXPECT_EQ(docs[3].text, "{\n  \"b\": {\n    \"c\": 1\n  }\n}");
}

TEST(DocumentSplitter, TruncatedLineDoesNotSwallowTheNext) {
  // Cut inside a string, cut between fields, cut at the end of the buffer.
  auto docs = Split("{\"a\":\"abc\n{\"ok\":1}\n{\"a\":1,\n{\"ok\":2}\n{\"a\":[1,2");
  ASSERT_EQ(docs.size(), 5u);
  EXPECT_TRUE(docs[0].truncated);
  EXPECT_EQ(docs[0].text, "{\"a\":\"abc");
  EXPECT_FALSE(docs[1].truncated);
  EXPECT_EQ(docs[1].line, 2u);
  EXPECT_TRUE(docs[2].truncated);
  EXPECT_EQ(docs[2].line, 3u);
  EXPECT_EQ(docs[3].text, "{\"ok\":2}");
  EXPECT_EQ(docs[3].line, 4u);
  EXPECT_TRUE(docs[4].truncated);
  EXPECT_EQ(docs[4].line, 5u);
}

TEST(DocumentSplitter, GarbageRunsToEndOfLine) {
  auto docs = Split("not json at all\n42\n{\"ok\":true}\n");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].text, "not json at all");
  EXPECT_EQ(docs[1].text, "42");
  EXPECT_EQ(docs[2].text, "{\"ok\":true}");
  EXPECT_EQ(docs[2].line, 3u);
}

TEST(DocumentSplitter, EmptyAndBlank) {
  EXPECT_TRUE(Split("").empty());
  EXPECT_TRUE(Split(" \n\r\n\t").empty());
}

}  // namespace
}  // namespace sparkify::json
