#include "s3/xml.h"

#include <gtest/gtest.h>

namespace sparkify::s3 {
namespace {

TEST(Xml, ParsesListObjectsV2Page) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>udacity-dend</Name><Prefix>song_data/</Prefix><KeyCount>2</KeyCount>"
      "<MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
      "<Contents><Key>song_data/A/A/A/TRAAAAK128F9318786.json</Key>"
      "<LastModified>2019-04-02T17:26:49.000Z</LastModified>"
      "<ETag>&quot;f5a3f7ca4a1d1c0e5e0b7a5b3c5e9d11&quot;</ETag><Size>247</Size>"
      "<StorageClass>STANDARD</StorageClass></Contents>"
      "<Contents><Key>song_data/a&amp;b &lt;c&gt;.json</Key><Size>0</Size></Contents>"
      "</ListBucketResult>";
  XmlNode root;
  ASSERT_TRUE(ParseXml(body, &root).ok());
  EXPECT_EQ(root.name, "ListBucketResult");
  EXPECT_EQ(root.ChildText("IsTruncated"), "true");
  EXPECT_EQ(root.ChildText("NextContinuationToken"),
            "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  auto contents = root.Children("Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(contents[0]->ChildText("Key"), "song_data/A/A/A/TRAAAAK128F9318786.json");
  EXPECT_EQ(contents[0]->ChildText("ETag"), "\"f5a3f7ca4a1d1c0e5e0b7a5b3c5e9d11\"");
  EXPECT_EQ(contents[0]->ChildText("Size"), "247");
  EXPECT_EQ(contents[1]->ChildText("Key"), "song_data/a&b <c>.json");
  EXPECT_EQ(root.ChildText("Missing"), "");
  EXPECT_EQ(root.Child("Missing"), nullptr);
}

TEST(Xml, ParsesErrorAndNumericReferences) {
  XmlNode root;
  ASSERT_TRUE(ParseXml("<Error><Code>NoSuchKey</Code><Message>It&#39;s gone &#x2014; "
                       "&#233;t&#xE9;</Message><Key/><![CDATA[<raw>]]><!-- note --></Error>",
                       &root)
                  .ok());
  EXPECT_EQ(root.ChildText("Code"), "NoSuchKey");
  EXPECT_EQ(root.ChildText("Message"), "It's gone \xe2\x80\x94 \xc3\xa9t\xc3\xa9");
  ASSERT_NE(root.Child("Key"), nullptr);
  EXPECT_EQ(root.ChildText("Key"), "");
  EXPECT_EQ(root.text, "<raw>");
}

TEST(Xml, StripsNamespacePrefixesAndSkipsAttributes) {
  XmlNode root;
  ASSERT_TRUE(
      ParseXml("<s3:Result a=\"x>y/\" b='1'><s3:Key attr=\"/\">k</s3:Key></s3:Result>", &root)
          .ok());
  EXPECT_EQ(root.name, "Result");
  EXPECT_EQ(root.ChildText("Key"), "k");
}

TEST(Xml, RejectsMalformedInput) {
  XmlNode root;
  for (const char* bad :
       {"", "text only", "<a>", "<a></b>", "<a><b></a></b>", "<a>&bogus;</a>", "<a>&#xZZ;</a>",
        "<a x=unquoted></a>", "<a></a><b></b>", "<a><!-- unterminated </a>", "<a>&#x110000;</a>"}) {
    EXPECT_FALSE(ParseXml(bad, &root).ok()) << bad;
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  EXPECT_TRUE(ParseXml(deep, &root).IsCorruption());
}

TEST(Xml, EscapeRoundTrips) {
  const std::string key = "a&b<c>\"d'e year=2018/\xc3\xa9";
  XmlNode root;
  ASSERT_TRUE(ParseXml("<Key>" + XmlEscape(key) + "</Key>", &root).ok());
  EXPECT_EQ(root.text, key);
}

}  // namespace
}  // namespace sparkify::s3
