// A tiny XML reader for S3 responses (ListObjectsV2, errors, multipart, batch
// delete). It handles what S3 sends: a prolog, elements, attributes (skipped),
// text with the five named entities and numeric character references, CDATA
// and comments. It does not validate namespaces or DTDs.
//
//   XmlNode root;
//   SPARKIFY_RETURN_IF_ERROR(ParseXml(body, &root));
//   for (const XmlNode* c : root.Children("Contents")) c->ChildText("Key");
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sparkify::s3 {

struct XmlNode {
  std::string name;  // local name, namespace prefix removed
  std::string text;  // concatenated, decoded character data directly inside
  std::vector<std::unique_ptr<XmlNode>> children;

  // First child named `name`, or nullptr.
  const XmlNode* Child(std::string_view name) const;
  // Every child named `name`, in document order.
  std::vector<const XmlNode*> Children(std::string_view name) const;
  // Text of the first child named `name`; empty if there is none.
  std::string ChildText(std::string_view name) const;
};

// Parses `xml` into `root` (the document element). Corruption on malformed input.
Status ParseXml(std::string_view xml, XmlNode* root);

// Escapes text for an XML element body (&, <, >, ", ').
std::string XmlEscape(std::string_view text);

}  // namespace sparkify::s3
