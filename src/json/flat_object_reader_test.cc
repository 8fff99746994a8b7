#include "json/flat_object_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace sparkify::json {
namespace {

struct Field {
  std::string key;
  FlatValue::Kind kind;
  std::string text;
  bool ascii;
  int64_t integer;
};

// Read() into a list of fields; false when the reader leaves the document.
bool ReadAll(FlatObjectReader& reader, std::string_view doc, std::vector<Field>* out) {
  out->clear();
  return reader.Read(doc, [&](std::string_view key, const FlatValue& v) {
    out->push_back({std::string(key), v.kind, std::string(v.text), v.ascii, v.integer});
    return true;
  });
}

// Reads every document twice (two rounds) with `warm`, which keeps what it
// learnt from earlier documents, and once each with a fresh reader: both must
// accept the same documents and give the same fields (a string's `ascii` too;
// other kinds do not define it).
void ExpectSameAsFreshReader(FlatObjectReader& warm, const std::vector<std::string>& docs) {
  for (int round = 0; round < 2; ++round) {
    for (const std::string& doc : docs) {
      FlatObjectReader fresh;
      std::vector<Field> want, got;
      const bool want_ok = ReadAll(fresh, doc, &want);
      const bool got_ok = ReadAll(warm, doc, &got);
      EXPECT_EQ(got_ok, want_ok) << doc;
      if (!want_ok) continue;
      ASSERT_EQ(got.size(), want.size()) << doc;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].key, want[i].key) << doc;
        EXPECT_EQ(got[i].kind, want[i].kind) << doc;
        EXPECT_EQ(got[i].text, want[i].text) << doc;
        if (want[i].kind == FlatValue::kString) {
          EXPECT_EQ(got[i].ascii, want[i].ascii) << doc;
        }
      }
    }
  }
}

TEST(FlatObjectReader, ReadsScalarsInOrder) {
  FlatObjectReader reader;
  std::vector<Field> f;
  ASSERT_TRUE(
      ReadAll(reader, R"({"a":"x","b" : -12 ,"c":4.60,"d":true,"e":false,"f":null,"g":""})", &f));
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(f[0].key, "a");
  EXPECT_EQ(f[0].kind, FlatValue::kString);
  EXPECT_EQ(f[0].text, "x");
  EXPECT_EQ(f[1].kind, FlatValue::kInteger);
  EXPECT_EQ(f[1].integer, -12);
  EXPECT_EQ(f[1].text, "-12");
  EXPECT_EQ(f[2].kind, FlatValue::kDecimal);
  EXPECT_EQ(f[2].text, "4.60");  // the source text, as written
  EXPECT_EQ(f[3].kind, FlatValue::kTrue);
  EXPECT_EQ(f[4].kind, FlatValue::kFalse);
  EXPECT_EQ(f[5].kind, FlatValue::kNull);
  EXPECT_EQ(f[6].kind, FlatValue::kString);
  EXPECT_EQ(f[6].text, "");
  EXPECT_TRUE(ReadAll(reader, "{}", &f));
  EXPECT_TRUE(f.empty());
}

TEST(FlatObjectReader, UnescapesStrings) {
  FlatObjectReader reader;
  std::vector<Field> f;
  ASSERT_TRUE(ReadAll(
      reader, R"({"ua":"\"Mozilla\/5.0\"","t":"a\\b\n\t","e":"Bj\u00c3\u00b6rk","u":"\u20ac"})",
      &f));
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].text, "\"Mozilla/5.0\"");
  EXPECT_TRUE(f[0].ascii);
  EXPECT_EQ(f[1].text, "a\\b\n\t");
  EXPECT_EQ(f[2].text, "Bj\xC3\x83\xC2\xB6rk");
  EXPECT_FALSE(f[2].ascii);
  EXPECT_EQ(f[3].text, "\xE2\x82\xAC");
  // Views stay valid for the whole document: the first is intact after the others.
  EXPECT_EQ(f[0].text, "\"Mozilla/5.0\"");
}

TEST(FlatObjectReader, LeavesEverythingElseToTheFullParser) {
  FlatObjectReader reader;
  std::vector<Field> f;
  for (const char* doc : {
           R"({"a":{}})",                   // nested
           R"({"a":[1]})",                  // nested
           R"({"a":"\ud83d\ude00"})",       // surrogate pair
           R"({"a":1e5})",                  // exponent
           R"({"a":-0})",                   // negative zero
           R"({"a":1234567890123456789})",  // more than 18 digits
           R"({"a":01})",                   // invalid
           R"({"a":1.})",                   // invalid
           R"({"a":tru})",                  // invalid
           R"({"a":truex})",                // invalid
           R"({"a":1,})",                   // invalid
           R"({"a" 1})",                    // invalid
           R"({"a":"b\x"})",                // invalid escape
           "{\"a\":\"tab\tin\"}",           // control character
           "{\"a\":\"\xFF\"}",              // invalid UTF-8
           R"({"\u0061":1})",               // escaped key
           R"({"a":1}{"b":2})",             // two documents
           R"({"a":1})"
           " ",  // not ending at its brace
       }) {
    EXPECT_FALSE(ReadAll(reader, doc, &f)) << doc;
  }
}

TEST(FlatObjectReader, LeavesHugeDocumentsToTheFullParser) {
  FlatObjectReader reader;
  std::vector<Field> f;
  std::string big = "{\"a\":\"" + std::string(FlatObjectReader::kMaxDocumentBytes, 'x') + "\"}";
  EXPECT_FALSE(ReadAll(reader, big, &f));
  EXPECT_TRUE(ReadAll(reader, R"({"a":"x"})", &f));  // and it still reads small ones
}

TEST(FlatObjectReader, CallbackCanAbandon) {
  FlatObjectReader reader;
  int calls = 0;
  EXPECT_FALSE(reader.Read(R"({"a":1,"b":2})", [&](std::string_view, const FlatValue&) {
    ++calls;
    return false;
  }));
  EXPECT_EQ(calls, 1);
}

// Key prediction must not change what is read: a reader that has seen other
// documents (and predicts their keys) gives what a fresh reader gives.
TEST(FlatObjectReader, PredictedKeysGiveWhatAFreshReaderGives) {
  const std::vector<std::string> docs = {
      R"({"artist":"A","itemInSession":3,"page":"NextSong","ts":1})",
      R"({"artist":"B","itemInSession":4,"page":"Home","ts":2})",
      // The same keys' prefixes, longer keys, a key longer than a prediction holds.
      R"({"artistX":"B","itemInSessionX":4,"pag":"Home","ts":2})",
      R"({"artist":"B","itemInSession":4,"page":"Home","ts":2})",
      // Whitespace and escapes where a key is predicted.
      R"({"artist" :"B", "itemInSession":4,"page":"Home","ts":2})",
      R"({ "artist":"B","itemInSession" : 4,"page":"Home","ts":2})",
      // Fewer and more fields, a different order, a key that is a prefix.
      R"({"ts":2})",
      R"({"artist":"A","itemInSession":3,"page":"NextSong","ts":1,"x":null,"y":true})",
      R"({"itemInSession":3,"artist":"A","ts":1,"page":"NextSong"})",
      R"({"a":1,"ar":2,"art":3})",
      R"({"artist":"A","itemInSession":3,"page":"NextSong","ts":1})",
      // Invalid after a predicted key: still not ours.
      R"({"artist":"A","itemInSession":,"page":"NextSong","ts":1})",
      R"({"artist":"A","itemInSession":3,"page":"NextSong","ts":1,})",
      R"({"artist""A"})",
      R"({"artist":"A","itemInSession":3,"page":"NextSong","ts":1})",
  };
  FlatObjectReader warm;
  ExpectSameAsFreshReader(warm, docs);
}

// Strings with escapes are cached by their raw text: a reader that has seen
// similar strings gives what a fresh reader gives.
TEST(FlatObjectReader, CachedStringsGiveWhatAFreshReaderGives) {
  const std::string agent = R"(\"Mozilla\/5.0 (Windows NT 6.1; WOW64) AppleWebKit\/537.36\")";
  const std::vector<std::string> docs = {
      "{\"ua\":\"" + agent + "\"}",
      "{\"ua\":\"" + agent + "\",\"b\":\"" + agent + "\"}",
      // Same first 32 bytes, different or longer tail; a different escape.
      "{\"ua\":\"" + agent + "x\"}",
      "{\"ua\":\"" + agent.substr(0, 40) + "\"}",
      "{\"ua\":\"" + agent.substr(0, 40) + "\\t\"}",
      "{\"ua\":\"" + agent + "\\u00e9\"}",
      "{\"ua\":\"" + agent + "\xc3\xa9\"}",
      // Invalid: a raw control character, bad UTF-8, no closing quote.
      "{\"ua\":\"" + agent + "\x01\"}",
      "{\"ua\":\"" + agent + "\xc3\"}",
      "{\"ua\":\"" + agent + "}",
      "{\"ua\":\"" + agent + "\"}",
  };
  FlatObjectReader warm;
  ExpectSameAsFreshReader(warm, docs);
  std::vector<Field> f;
  ASSERT_TRUE(ReadAll(warm, docs[1], &f));
  EXPECT_EQ(f[0].text, R"("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36")");
  EXPECT_EQ(f[1].text, f[0].text);
}

// Cached strings are handed out as views of the cache: every view of one
// document stays valid until the next Read, even when a later string of the
// same document falls in the slot it came from (same first 32 bytes, so the
// same slot, but a different tail: a miss that must not replace the entry).
TEST(FlatObjectReader, CachedStringViewsStayValidForTheDocument) {
  // Same length and first 32 bytes (one slot), different last digits.
  const std::string agent = R"(\"Mozilla\/5.0 (Windows NT 6.1; WOW64) AppleWebKit\/537.36\")";
  const std::string other = R"(\"Mozilla\/5.0 (Windows NT 6.1; WOW64) AppleWebKit\/537.99\")";
  const std::string want = R"("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36")";
  const std::string want_other = R"("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.99")";
  FlatObjectReader reader;
  std::vector<std::string_view> views;
  auto read = [&](const std::string& doc) {
    views.clear();
    return reader.Read(doc, [&](std::string_view, const FlatValue& v) {
      views.push_back(v.text);
      return true;
    });
  };
  const std::string just_agent = "{\"a\":\"" + agent + "\"}";
  const std::string just_other = "{\"a\":\"" + other + "\"}";
  const std::string both = "{\"a\":\"" + agent + "\",\"b\":\"" + other + "\",\"c\":\"" + agent +
                           "\",\"d\":\"" + other + "\"}";
  for (const std::string* first : {&just_agent, &just_other}) {
    ASSERT_TRUE(read(*first));  // cached: `both` starts with a hit or a miss
    for (int round = 0; round < 2; ++round) {
      ASSERT_TRUE(read(both));
      ASSERT_EQ(views.size(), 4u);
      EXPECT_EQ(views[0], want);
      EXPECT_EQ(views[1], want_other);
      EXPECT_EQ(views[2], want);
      EXPECT_EQ(views[3], want_other);
    }
  }
}

// Short special strings (non-ASCII names, under the 16 bytes the lookup
// compares first) and strings that are a prefix or an extension of a cached
// one, with at least 32 bytes after them (so they are looked up) or fewer
// (read directly); each document in a buffer of its own size, so that a read
// past its end shows under ASan.
TEST(FlatObjectReader, ShortAndPrefixCachedStrings) {
  const std::string pad = R"(,"z":"0123456789012345678901234567890123456789"})";
  const std::vector<std::string> names = {"Bj\xc3\xb6rk",
                                          "Bj\xc3\xb6r",
                                          "Bj\xc3\xb6rkX",
                                          "\xc3\xa9",
                                          "\\n",
                                          "0123456789abcd\xc3\xa9",
                                          "0123456789abc\xc3\xa9",
                                          "0123456789abcde\xc3\xa9",
                                          R"(\"a\/b\")"};
  std::vector<std::string> docs;
  for (const std::string& n : names) {
    docs.push_back("{\"a\":\"" + n + "\"" + pad);
    docs.push_back("{\"a\":\"" + n + "\"}");
    docs.push_back("{\"a\":\"" + n + "\",\"b\":\"" + n + "\"" + pad);
  }
  // Cut documents: the cached raw text is longer than what is left.
  docs.push_back("{\"a\":\"Bj\xc3\xb6rk");
  docs.push_back("{\"a\":\"Bj\xc3\xb6rk\"");
  FlatObjectReader warm;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& doc : docs) {
      std::unique_ptr<char[]> exact(new char[doc.size()]);
      std::memcpy(exact.get(), doc.data(), doc.size());
      const std::string_view text(exact.get(), doc.size());
      FlatObjectReader fresh;
      std::vector<Field> want, got;
      const bool want_ok = ReadAll(fresh, doc, &want);
      EXPECT_EQ(ReadAll(warm, text, &got), want_ok) << doc;
      if (!want_ok) continue;
      ASSERT_EQ(got.size(), want.size()) << doc;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].text, want[i].text) << doc;
        EXPECT_EQ(got[i].ascii, want[i].ascii) << doc;
      }
    }
  }
  std::vector<Field> f;
  ASSERT_TRUE(ReadAll(warm, "{\"a\":\"Bj\xc3\xb6rk\"" + pad, &f));
  EXPECT_EQ(f[0].text, "Bj\xc3\xb6rk");
  EXPECT_FALSE(f[0].ascii);
}

// ReadLine(text) with L as length.
bool ReadLineAll(FlatObjectReader& reader, std::string_view text, std::vector<Field>* out,
                 size_t* length) {
  out->clear();
  return reader.ReadLine(
      text,
      [&](std::string_view key, const FlatValue& v) {
        out->push_back({std::string(key), v.kind, std::string(v.text), v.ascii, v.integer});
        return true;
      },
      length);
}

void ExpectSameFields(const std::vector<Field>& got, const std::vector<Field>& want,
                      std::string_view doc) {
  ASSERT_EQ(got.size(), want.size()) << doc;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].key, want[i].key) << doc;
    EXPECT_EQ(got[i].kind, want[i].kind) << doc;
    // What the kind defines (FlatValue's contract).
    const FlatValue::Kind kind = want[i].kind;
    if (kind == FlatValue::kString || kind == FlatValue::kInteger || kind == FlatValue::kDecimal) {
      EXPECT_EQ(got[i].text, want[i].text) << doc;
    }
    if (kind == FlatValue::kInteger) {
      EXPECT_EQ(got[i].integer, want[i].integer) << doc;
    }
    if (kind == FlatValue::kString) {
      EXPECT_EQ(got[i].ascii, want[i].ascii) << doc;
    }
  }
}

// ReadLine on a line followed by more text: when it takes an object, Read
// takes exactly those bytes with the same fields; and every one-line document
// that Read takes, ReadLine takes whole, whatever follows it.
TEST(FlatObjectReader, ReadLineGivesWhatReadGives) {
  const std::string agent = R"(\"Mozilla\/5.0 (Windows NT 6.1; WOW64) AppleWebKit\/537.36\")";
  const std::vector<std::string> docs = {
      R"({"a":"x","b" : -12 ,"c":4.60,"d":true,"e":false,"f":null,"g":""})",
      R"({"artist":"A","itemInSession":3,"page":"NextSong","ts":1})",
      R"({"artist" :"B", "itemInSession":4,"page":"Home","ts":2})",
      R"({ "artist":"B","itemInSession" : 4,"page":"Home","ts":2})",
      R"({"ua":"\"Mozilla\/5.0\"","t":"a\\b\n\t","e":"Bj\u00c3\u00b6rk","u":"\u20ac"})",
      "{\"ua\":\"" + agent + "\",\"b\":\"" + agent + "\"}",
      "{\"ua\":\"" + agent + "\xc3\xa9\"}",
      "{\"ua\":\"" + agent.substr(0, 40) + "\"}",
      "{}",
      "{ }",
      "{\"a\":1\r}",
      R"({"a":{}})",
      R"({"a":1e5})",
      R"({"a":1,})",
      R"({"a":1}{"b":2})",
      R"({"a":1} )",
      R"({"a":"b\x"})",
      "{\"a\":\"tab\tin\"}",
      "{\"a\":\"" + agent + "}",
      // A newline between tokens: Read takes it, ReadLine leaves it to the caller.
      "{\"a\":\n1}",
      "{\n\"a\":1}",
      "{\"a\":1\n,\"b\":2}",
      "{\"a\":1,\"b\":2\n}",
      // A newline inside a string is a control character: neither takes it.
      "{\"a\":\"x\ny\"}",
  };
  const std::vector<std::string> tails = {
      "", "\n", "  \n{\"x\":1}", " junk}", "\n{\"ua\":\"" + agent + "\"}", "}", "\"}"};
  FlatObjectReader warm;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& doc : docs) {
      for (const std::string& tail : tails) {
        std::string text = doc + tail;
        text.resize(text.rfind('}') + 1);  // as the caller cuts it
        for (FlatObjectReader* reader : {&warm, static_cast<FlatObjectReader*>(nullptr)}) {
          FlatObjectReader fresh;
          FlatObjectReader& r = reader ? *reader : fresh;
          std::vector<Field> line_fields, doc_fields;
          size_t length = 0;
          const bool line_ok = ReadLineAll(r, text, &line_fields, &length);
          FlatObjectReader reference;
          const bool doc_ok = ReadAll(reference, doc, &doc_fields);
          if (line_ok) {
            ASSERT_LE(length, text.size()) << text;
            std::vector<Field> prefix_fields;
            FlatObjectReader reference2;
            EXPECT_TRUE(ReadAll(reference2, text.substr(0, length), &prefix_fields)) << text;
            ExpectSameFields(line_fields, prefix_fields, text);
            EXPECT_EQ(text.substr(0, length).find('\n'), std::string::npos) << text;
          }
          if (doc_ok && doc.find('\n') == std::string::npos) {
            EXPECT_TRUE(line_ok) << text;
            EXPECT_EQ(length, doc.size()) << text;
            ExpectSameFields(line_fields, doc_fields, text);
          }
        }
      }
    }
  }
  // Bounded like Read: a longer object is not taken, and a string cannot
  // outgrow the reader's buffer however much text follows.
  std::string big = "{\"a\":\"" + std::string(FlatObjectReader::kMaxDocumentBytes, 'x') + "\"}";
  std::vector<Field> f;
  size_t length;
  EXPECT_FALSE(ReadLineAll(warm, big, &f, &length));
  std::string escaped =
      "{\"a\":\"" + std::string(FlatObjectReader::kMaxDocumentBytes, '\\') + "\"}";
  EXPECT_FALSE(ReadLineAll(warm, escaped, &f, &length));
  EXPECT_TRUE(ReadLineAll(warm, R"({"a":"x"} {"b":1})", &f, &length));
  EXPECT_EQ(length, 9u);
}

// Key ids for the tests below: a few keys with ids, "skip*" keys skipped,
// every other key id 1.
struct TestKeyIds {
  static constexpr uint32_t kSkip = 99;
  static uint32_t Id(std::string_view key) {
    if (key == "artist") return 10;
    if (key == "art") return 11;
    if (key == "ts") return 12;
    if (key == "itemInSession") return 13;
    if (key.starts_with("skip")) return kSkip;
    return 1;
  }
};
// The same keys, other ids: a reader must not keep TestKeyIds' ids for them.
struct OtherKeyIds {
  static constexpr uint32_t kSkip = 0;
  static uint32_t Id(std::string_view key) { return key == "skipme" ? 0 : 100 + key.size(); }
};

struct IdField {
  uint32_t id;
  Field field;
};

template <typename KeyIds>
bool ReadWithIdsAll(FlatObjectReader& reader, std::string_view text, bool line,
                    std::vector<IdField>* out, size_t* length) {
  out->clear();
  auto on_field = [&](uint32_t id, std::string_view key, const FlatValue& v) {
    out->push_back({id, {std::string(key), v.kind, std::string(v.text), v.ascii, v.integer}});
    return true;
  };
  if (line) return reader.ReadLineWithIds<KeyIds>(text, on_field, length);
  *length = text.size();
  return reader.ReadWithIds<KeyIds>(text, on_field);
}

// With key ids, a warm reader accepts exactly the documents a fresh plain
// Read accepts, reports the same fields but the skipped ones, each with the
// id of its key, whatever it learnt from earlier documents: keys that change
// order mid-file, missing and extra fields, keys sharing a prefix, escaped
// keys, and bad values in skipped fields.
template <typename KeyIds>
void ExpectIdsGiveWhatReadGives(FlatObjectReader& warm, const std::vector<std::string>& docs) {
  for (int round = 0; round < 2; ++round) {
    for (const std::string& doc : docs) {
      for (bool line : {false, true}) {
        FlatObjectReader fresh;
        std::vector<Field> want;
        const bool want_ok = ReadAll(fresh, doc, &want);
        std::vector<IdField> got;
        size_t length = 0;
        const bool got_ok = ReadWithIdsAll<KeyIds>(warm, doc, line, &got, &length);
        if (line && doc.find('\n') != std::string::npos) continue;  // ReadLine's to refuse
        ASSERT_EQ(got_ok, want_ok) << doc << (line ? " (line)" : "");
        if (!want_ok) continue;
        EXPECT_EQ(length, doc.size()) << doc;
        std::vector<Field> kept;
        for (const Field& f : want) {
          if (KeyIds::Id(f.key) != KeyIds::kSkip) kept.push_back(f);
        }
        ASSERT_EQ(got.size(), kept.size()) << doc;
        for (size_t i = 0; i < got.size(); ++i) {
          EXPECT_EQ(got[i].id, KeyIds::Id(kept[i].key)) << doc;
        }
        std::vector<Field> got_fields;
        for (const IdField& f : got) got_fields.push_back(f.field);
        ExpectSameFields(got_fields, kept, doc);
      }
    }
  }
}

const std::vector<std::string>& KeyIdDocs() {
  static const std::vector<std::string> docs = {
      R"({"artist":"A","skipAuth":"Logged In","itemInSession":3,"skipReg":1533607625837.0,"ts":1})",
      R"({"artist":"B","skipAuth":"Logged Out","itemInSession":4,"skipReg":null,"ts":2})",
      // The keys change order mid-file, then change back.
      R"({"ts":3,"artist":"C","itemInSession":5,"skipAuth":"Guest","skipReg":12})",
      R"({"artist":"A","skipAuth":"Logged In","itemInSession":3,"skipReg":1533607625837.0,"ts":1})",
      // Missing and extra fields.
      R"({"artist":"A","ts":1})",
      R"({"artist":"A","skipAuth":"x","extra":true,"itemInSession":3,"skipReg":1,"ts":1,"z":0})",
      R"({"ts":1})",
      R"({})",
      // Keys that share a prefix with a predicted key, or are a prefix of it.
      R"({"art":"A","skipAuth":"x","itemInSessionX":3,"skipReg":1,"t":1})",
      R"({"artist":"A","skip":"x","itemInSession":3,"skipRe":1,"ts":1})",
      R"({"artistartist":"A","skipAuthX":"x","itemInSessio":3,"skipReg":1,"tss":1})",
      R"({"artist":"A","skipAuth":"Logged In","itemInSession":3,"skipReg":1533607625837.0,"ts":1})",
      // Escaped keys and spaces where a key is predicted: not the predicted key.
      R"({"art\u0069st":"A","skipAuth":"x","itemInSession":3,"skipReg":1,"ts":1})",
      R"({"artist":"A","skip\u0041uth":"x","itemInSession":3,"skipReg":1,"ts":1})",
      R"({"artist" :"A", "skipAuth" : "x","itemInSession":3,"skipReg":1,"ts":1})",
      R"({"artist":"A","skipAuth":"Logged In","itemInSession":3,"skipReg":1533607625837.0,"ts":1})",
      // Skipped values are checked as strictly as reported ones.
      R"({"artist":"A","skipAuth":"a\"b\\c\/d\u00e9\t","itemInSession":3,"skipReg":-0.5,"ts":1})",
      R"({"artist":"A","skipAuth":"caf\u00c3\u00a9 \xc3\xa9","skipReg":true,"skipX":false})",
      R"({"artist":"A","skipReg":01,"ts":1})",
      R"({"artist":"A","skipReg":-0,"ts":1})",
      R"({"artist":"A","skipReg":-00,"ts":1})",
      R"({"artist":"A","skipReg":-0.0,"ts":1})",
      R"({"artist":"A","skipReg":0,"ts":1})",
      R"({"artist":"A","skipReg":1e5,"ts":1})",
      R"({"artist":"A","skipReg":1.,"ts":1})",
      R"({"artist":"A","skipReg":-,"ts":1})",
      R"({"artist":"A","skipReg":1234567890123456789,"ts":1})",
      R"({"artist":"A","skipReg":123456789012345678,"ts":1})",
      R"({"artist":"A","skipReg":12345678901234567.8,"ts":1})",
      R"({"artist":"A","skipReg":123456789012345678.9,"ts":1})",
      R"({"artist":"A","skipReg":1x,"ts":1})",
      R"({"artist":"A","skipReg":tru,"ts":1})",
      R"({"artist":"A","skipReg":nullx,"ts":1})",
      R"({"artist":"A","skipReg":[1],"ts":1})",
      R"({"artist":"A","skipReg":{},"ts":1})",
      R"({"artist":"A","skipAuth":"bad\q","ts":1})",
      R"({"artist":"A","skipAuth":"bad\ud800","ts":1})",
      "{\"artist\":\"A\",\"skipAuth\":\"ctl\x01\",\"ts\":1}",
      "{\"artist\":\"A\",\"skipAuth\":\"utf8\xc3\",\"ts\":1}",
      R"({"artist":"A","skipAuth":"open,"ts":1})",
      R"({"artist":"A","skipAuth":"x","ts":1,})",
      R"({"artist":"A","skipAuth":"x"  ,  "ts":1})",
      "{\"artist\":\"A\",\"skipAuth\":\n\"x\",\"ts\":1}",
      R"({"artist":"A","skipAuth":"Logged In","itemInSession":3,"skipReg":1533607625837.0,"ts":1})",
  };
  return docs;
}

TEST(FlatObjectReader, KeyIdsGiveWhatReadGives) {
  FlatObjectReader warm;
  ExpectIdsGiveWhatReadGives<TestKeyIds>(warm, KeyIdDocs());
}

// The predicted keys' ids belong to one KeyIds type: switching types (and
// back, and to plain Read) gives each type's own ids.
TEST(FlatObjectReader, KeyIdsAreNotSharedBetweenTypes) {
  FlatObjectReader warm;
  const std::vector<std::string>& docs = KeyIdDocs();
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::vector<std::string> one = {docs[i], docs[0]};
    ExpectIdsGiveWhatReadGives<TestKeyIds>(warm, one);
    ExpectIdsGiveWhatReadGives<OtherKeyIds>(warm, one);
    ExpectSameAsFreshReader(warm, one);
  }
}

// A number's full description, as the reader reports it.
struct NumberField {
  bool read = false;  // the document was accepted
  FlatValue::Kind kind = FlatValue::kNull;
  std::string text;
  bool negative = false;
  uint8_t fraction_digits = 0;
  int64_t integer = 0;
  uint64_t digits = 0;
  bool operator==(const NumberField&) const = default;
};

// Reads `doc` from a heap copy of exactly its size (so that ASan sees any
// read past it) and returns the field "a"; with `skip`, "a" is a skipped key
// and only acceptance is reported.
NumberField ReadNumberField(FlatObjectReader& reader, const std::string& doc, bool skip) {
  auto copy = std::make_unique<char[]>(doc.size());
  std::memcpy(copy.get(), doc.data(), doc.size());
  const std::string_view text(copy.get(), doc.size());
  NumberField f;
  auto on_field = [&](uint32_t, std::string_view key, const FlatValue& v) {
    if (key == "a") {
      f.kind = v.kind;
      f.text = std::string(v.text);
      if (v.kind == FlatValue::kInteger || v.kind == FlatValue::kDecimal) {
        f.negative = v.negative;
        f.fraction_digits = v.fraction_digits;
        f.digits = v.digits;
        if (v.kind == FlatValue::kInteger) f.integer = v.integer;
      }
    }
    return true;
  };
  f.read = skip ? reader.ReadWithIds<TestKeyIds>(text, on_field)
                : reader.Read(text, [&](std::string_view key, const FlatValue& v) {
                    return on_field(0, key, v);
                  });
  return f;
}

// What the reader must give for the number `s` (followed by a separator):
// JSON's grammar without exponents, at most kMaxDigits digits, not "-0".
NumberField ExpectedNumber(const std::string& s) {
  NumberField f;
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  const size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const size_t int_digits = i - int_start;
  if (int_digits == 0 || (s[int_start] == '0' && int_digits > 1)) return f;
  size_t frac_digits = 0;
  const bool decimal = i < s.size() && s[i] == '.';
  if (decimal) {
    const size_t frac_start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    frac_digits = i - frac_start;
    if (frac_digits == 0) return f;
  }
  if (i != s.size() || int_digits + frac_digits > FlatObjectReader::kMaxDigits) return f;
  if (negative && !decimal && s == "-0") return f;
  f.read = true;
  f.kind = decimal ? FlatValue::kDecimal : FlatValue::kInteger;
  f.text = s;
  f.negative = negative;
  f.fraction_digits = static_cast<uint8_t>(frac_digits);
  for (char c : s) {
    if (c >= '0' && c <= '9') f.digits = f.digits * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!decimal)
    f.integer = negative ? -static_cast<int64_t>(f.digits) : static_cast<int64_t>(f.digits);
  return f;
}

// Numbers are read from one 16-byte load when they end within it and 16
// bytes are left in the document, else digit by digit: every number gives
// the same in both, and what JSON's grammar says, wherever it ends: at the
// document's end, 15/16/17 bytes from the start of the load, before another
// field, with signs, leading zeros, points, exponents and stray bytes.
TEST(FlatObjectReader, NumbersAtAndAwayFromTheEnd) {
  std::vector<std::string> numbers;
  const std::string alphabet = "-0159.eE+x";
  // Every string of up to 4 such bytes...
  std::vector<std::string> level = {""};
  for (int len = 1; len <= 4; ++len) {
    std::vector<std::string> next;
    for (const std::string& s : level) {
      for (char c : alphabet) next.push_back(s + c);
    }
    numbers.insert(numbers.end(), next.begin(), next.end());
    level = std::move(next);
  }
  // ...and longer ones, mostly digits, around the 8- and 16-byte bounds.
  uint64_t seed = 12345;
  auto random = [&](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  for (int k = 0; k < 6000; ++k) {
    const size_t len = 5 + random(16);
    std::string s;
    if (random(4) == 0) s += '-';
    while (s.size() < len) {
      const uint64_t r = random(40);
      s += r < 30 ? static_cast<char>('0' + random(10)) : r < 36 ? '.' : "eE-+x0"[r - 36];
    }
    numbers.push_back(s);
    // A well-formed one of the same length, with and without a point.
    std::string d = s;
    for (char& c : d) c = static_cast<char>('1' + random(9));
    numbers.push_back(d);
    if (len > 2) numbers.push_back(d.substr(0, len / 2) + "." + d.substr(len / 2 + 1));
    if (len > 2) numbers.push_back("0." + d.substr(2));
  }
  for (const char* n : {"9007199254740993", "123456789012345678", "1234567890123456789",
                        "12345678.5", "1234567.25", "99999999", "0.000000000000001",
                        "1541031293816", "1530770334967.0", "454.00207", "-0.0", "-12"}) {
    numbers.push_back(n);
  }

  FlatObjectReader warm;
  for (const std::string& n : numbers) {
    const NumberField want = ExpectedNumber(n);
    // The number last; then followed by a field; then padded by spaces to end
    // 14-18 bytes from its start (the load's bounds).
    std::vector<std::string> docs = {"{\"a\":" + n + "}",
                                     "{\"a\":" + n + ",\"b\":\"0123456789abcdefghij\"}",
                                     "{\"a\":" + n + ",\"b\":1}"};
    for (size_t pad = 0; pad < 5; ++pad) {
      if (n.size() + pad <= 18) {
        docs.push_back("{\"a\":" + n + std::string(18 - n.size() - pad, ' ') + "}");
      }
    }
    for (const std::string& doc : docs) {
      for (bool skip : {false, true}) {
        FlatObjectReader fresh;
        for (FlatObjectReader* r : {&fresh, &warm}) {
          NumberField got = ReadNumberField(*r, skip ? "{\"skipa\":" + doc.substr(5) : doc, skip);
          if (skip) {
            EXPECT_EQ(got.read, want.read) << doc << " (skipped)";
          } else if (want.read) {
            EXPECT_EQ(got, want) << doc;
          } else {
            EXPECT_FALSE(got.read) << doc;
          }
        }
      }
    }
  }
}

// Strings are scanned 16 bytes at a time while 16 are left, then byte by
// byte: a closing quote, an escape, a control character or a non-ASCII byte
// at every position of strings of 0-40 bytes, at the document's end or
// followed by another field, give the same text (or the same refusal).
TEST(FlatObjectReader, StringEndsAtEveryPosition) {
  struct Special {
    std::string raw;   // in the document
    std::string text;  // unescaped; "" with ok false: refused
    bool ok;
  };
  const std::vector<Special> specials = {{"", "", true},
                                         {"\\n", "\n", true},
                                         {"\\\"", "\"", true},
                                         {"\\u00e9", "\xC3\xA9", true},
                                         {"\xC3\xA9", "\xC3\xA9", true},
                                         {"\x01", "", false},
                                         {"\\q", "", false}};
  FlatObjectReader warm;
  for (size_t len = 0; len <= 40; ++len) {
    for (size_t at = 0; at <= len; ++at) {
      for (const Special& sp : specials) {
        const std::string raw = std::string(at, 'a') + sp.raw + std::string(len - at, 'b');
        const std::string want = std::string(at, 'a') + sp.text + std::string(len - at, 'b');
        for (const std::string& doc :
             {"{\"s\":\"" + raw + "\"}", "{\"s\":\"" + raw + "\",\"t\":\"0123456789abcdef01\"}"}) {
          auto copy = std::make_unique<char[]>(doc.size());
          std::memcpy(copy.get(), doc.data(), doc.size());
          FlatObjectReader fresh;
          for (FlatObjectReader* r : {&fresh, &warm}) {
            std::string got;
            const bool ok = r->Read(std::string_view(copy.get(), doc.size()),
                                    [&](std::string_view key, const FlatValue& v) {
                                      if (key == "s") got = std::string(v.text);
                                      return true;
                                    });
            ASSERT_EQ(ok, sp.ok) << doc;
            if (ok) {
              EXPECT_EQ(got, want) << doc;
            }
          }
        }
      }
    }
  }
}

TEST(FlatValue, ExactDouble) {
  FlatObjectReader reader;
  std::vector<double> values;
  ASSERT_TRUE(reader.Read(R"({"a":246.30812,"b":-93.26493,"c":0.1,"d":12,"e":-0.0})",
                          [&](std::string_view, const FlatValue& v) {
                            double d = 0;
                            EXPECT_TRUE(v.ExactDouble(&d));
                            values.push_back(d);
                            return true;
                          }));
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values[0], 246.30812);
  EXPECT_EQ(values[1], -93.26493);
  EXPECT_EQ(values[2], 0.1);
  EXPECT_EQ(values[3], 12.0);
  EXPECT_TRUE(std::signbit(values[4]));
  // Digits above 2^53 are left to a full conversion.
  EXPECT_TRUE(reader.Read(R"({"a":9007199254740993.5})", [&](std::string_view, const FlatValue& v) {
    double d;
    EXPECT_FALSE(v.ExactDouble(&d));
    return true;
  }));
}

}  // namespace
}  // namespace sparkify::json
