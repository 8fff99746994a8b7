// Hive-style partition directory names ("year=2018/month=11"), escaped the way
// Hive's FileUtils.escapePathName (and Spark's ExternalCatalogUtils) escape
// them, so that Spark, Trino/Athena, DuckDB and pyarrow read the values back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sparkify::lake {

// The directory name Hive uses for a null or empty partition value.
inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// Escapes `value`: control characters, '"', '#', '%', '\'', '*', '/', ':', '=',
// '?', '\\', DEL, '{', '[', ']' and '^' become %XX (uppercase hex). Other bytes,
// including UTF-8 sequences, are kept as they are.
std::string EscapePartitionValue(std::string_view value);
// Appends EscapePartitionValue(value) to *out.
void AppendPartitionValue(std::string_view value, std::string* out);

// "k1=v1/k2=v2" with escaped values; a null or empty value is kHiveDefaultPartition.
std::string PartitionPath(
    const std::vector<std::pair<std::string_view, std::optional<std::string_view>>>& keys);

}  // namespace sparkify::lake
