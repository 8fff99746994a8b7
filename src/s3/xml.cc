#include "s3/xml.h"

#include <cstdint>

namespace sparkify::s3 {
namespace {

// Nesting deeper than this is not an S3 response; refusing it bounds recursion.
constexpr int kMaxDepth = 64;

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  Status ParseDocument(XmlNode* root) {
    SkipMisc();
    if (!StartsWith("<")) return Error("no root element");
    SPARKIFY_RETURN_IF_ERROR(ParseElement(root, 0));
    SkipMisc();
    if (pos_ != in_.size()) return Error("content after the root element");
    return Status::OK();
  }

 private:
  bool StartsWith(std::string_view s) const { return in_.substr(pos_, s.size()) == s; }

  Status Error(std::string_view what) const {
    return Status::Corruption("malformed XML at byte " + std::to_string(pos_) + ": " +
                              std::string(what));
  }

  void SkipSpace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\n' || in_[pos_] == '\r' || in_[pos_] == '\t')) {
      ++pos_;
    }
  }

  // Skips whitespace, <?...?> processing instructions, comments and <!DOCTYPE>.
  void SkipMisc() {
    for (;;) {
      SkipSpace();
      if (StartsWith("<?")) {
        size_t end = in_.find("?>", pos_);
        pos_ = end == std::string_view::npos ? in_.size() : end + 2;
      } else if (StartsWith("<!--")) {
        size_t end = in_.find("-->", pos_);
        pos_ = end == std::string_view::npos ? in_.size() : end + 3;
      } else if (StartsWith("<!DOCTYPE")) {
        size_t end = in_.find('>', pos_);
        pos_ = end == std::string_view::npos ? in_.size() : end + 1;
      } else {
        return;
      }
    }
  }

  static bool IsNameChar(char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '>' && c != '/' && c != '=' &&
           c != '<';
  }

  std::string_view ParseName() {
    size_t start = pos_;
    while (pos_ < in_.size() && IsNameChar(in_[pos_])) ++pos_;
    return in_.substr(start, pos_ - start);
  }

  static std::string LocalName(std::string_view qname) {
    size_t colon = qname.find(':');
    return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
  }

  Status DecodeEntity(std::string* out) {
    size_t semi = in_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return Error("bad entity");
    std::string_view ent = in_.substr(pos_ + 1, semi - pos_ - 1);
    pos_ = semi + 1;
    if (ent == "amp") {
      out->push_back('&');
    } else if (ent == "lt") {
      out->push_back('<');
    } else if (ent == "gt") {
      out->push_back('>');
    } else if (ent == "quot") {
      out->push_back('"');
    } else if (ent == "apos") {
      out->push_back('\'');
    } else if (ent.size() > 1 && ent[0] == '#') {
      uint32_t cp = 0;
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      if (digits.empty()) return Error("bad character reference");
      for (char c : digits) {
        int d;
        if (c >= '0' && c <= '9') {
          d = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
          d = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
          d = c - 'A' + 10;
        } else {
          return Error("bad character reference");
        }
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10FFFF) return Error("character reference out of range");
      }
      AppendUtf8(cp, out);
    } else {
      return Error("unknown entity");
    }
    return Status::OK();
  }

  Status ParseElement(XmlNode* node, int depth) {
    if (depth > kMaxDepth) return Error("nesting too deep");
    ++pos_;  // '<'
    std::string_view qname = ParseName();
    if (qname.empty()) return Error("empty element name");
    node->name = LocalName(qname);
    // Attributes: skipped, but quoted values may hold '>' or '/'.
    for (;;) {
      SkipSpace();
      if (pos_ >= in_.size()) return Error("unterminated start tag");
      char c = in_[pos_];
      if (c == '/') {
        if (!StartsWith("/>")) return Error("bad empty-element tag");
        pos_ += 2;
        return Status::OK();
      }
      if (c == '>') {
        ++pos_;
        break;
      }
      if (ParseName().empty()) return Error("bad attribute");
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != '=') return Error("attribute without value");
      ++pos_;
      SkipSpace();
      if (pos_ >= in_.size() || (in_[pos_] != '"' && in_[pos_] != '\'')) {
        return Error("unquoted attribute value");
      }
      size_t end = in_.find(in_[pos_], pos_ + 1);
      if (end == std::string_view::npos) return Error("unterminated attribute value");
      pos_ = end + 1;
    }
    // Content.
    for (;;) {
      if (pos_ >= in_.size()) return Error("unterminated element <" + node->name + ">");
      char c = in_[pos_];
      if (c == '&') {
        SPARKIFY_RETURN_IF_ERROR(DecodeEntity(&node->text));
      } else if (c != '<') {
        node->text.push_back(c);
        ++pos_;
      } else if (StartsWith("</")) {
        pos_ += 2;
        std::string_view close = ParseName();
        if (close != qname) return Error("mismatched end tag </" + std::string(close) + ">");
        SkipSpace();
        if (pos_ >= in_.size() || in_[pos_] != '>') return Error("bad end tag");
        ++pos_;
        return Status::OK();
      } else if (StartsWith("<!--")) {
        size_t end = in_.find("-->", pos_);
        if (end == std::string_view::npos) return Error("unterminated comment");
        pos_ = end + 3;
      } else if (StartsWith("<![CDATA[")) {
        size_t end = in_.find("]]>", pos_);
        if (end == std::string_view::npos) return Error("unterminated CDATA");
        node->text.append(in_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (StartsWith("<?")) {
        size_t end = in_.find("?>", pos_);
        if (end == std::string_view::npos) return Error("unterminated processing instruction");
        pos_ = end + 2;
      } else {
        auto child = std::make_unique<XmlNode>();
        SPARKIFY_RETURN_IF_ERROR(ParseElement(child.get(), depth + 1));
        node->children.push_back(std::move(child));
      }
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

const XmlNode* XmlNode::Child(std::string_view child_name) const {
  for (const auto& c : children) {
    if (c->name == child_name) return c.get();
  }
  return nullptr;
}

std::vector<const XmlNode*> XmlNode::Children(std::string_view child_name) const {
  std::vector<const XmlNode*> out;
  for (const auto& c : children) {
    if (c->name == child_name) out.push_back(c.get());
  }
  return out;
}

std::string XmlNode::ChildText(std::string_view child_name) const {
  const XmlNode* c = Child(child_name);
  return c ? c->text : std::string();
}

Status ParseXml(std::string_view xml, XmlNode* root) {
  *root = XmlNode();
  return Parser(xml).ParseDocument(root);
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace sparkify::s3
