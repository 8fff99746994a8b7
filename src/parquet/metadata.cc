#include "parquet/metadata.h"

#include "parquet/thrift_compact.h"

namespace sparkify::parquet::format {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;

// ---------------------------------------------------------------- writing

namespace {

void WriteStatistics(CompactWriter& w, const Statistics& s) {
  if (s.max) w.FieldBinary(1, *s.max);
  if (s.min) w.FieldBinary(2, *s.min);
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.distinct_count) w.FieldI64(4, *s.distinct_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
}

void WriteLogicalType(CompactWriter& w, const LogicalType& lt) {
  switch (lt.kind) {
    case LogicalType::kString:
      w.FieldStruct(1);  // STRING: StringType {}
      w.EndStruct();
      break;
    case LogicalType::kDate:
      w.FieldStruct(6);
      w.EndStruct();
      break;
    case LogicalType::kTimestamp:
      w.FieldStruct(8);  // TIMESTAMP: TimestampType
      w.FieldBool(1, lt.is_adjusted_to_utc);
      w.FieldStruct(2);  // unit: TimeUnit union
      w.FieldStruct(lt.unit == TimeUnit::kMillis ? 1 : lt.unit == TimeUnit::kMicros ? 2 : 3);
      w.EndStruct();
      w.EndStruct();
      w.EndStruct();
      break;
    default:
      break;
  }
}

void WriteSchemaElement(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.FieldI32(1, *e.type);
  if (e.type_length) w.FieldI32(2, *e.type_length);
  if (e.repetition_type) w.FieldI32(3, *e.repetition_type);
  w.FieldBinary(4, e.name);
  if (e.num_children) w.FieldI32(5, *e.num_children);
  if (e.converted_type) w.FieldI32(6, *e.converted_type);
  if (e.logical_type.kind != LogicalType::kNone && e.logical_type.kind != LogicalType::kOther) {
    w.FieldStruct(10);
    WriteLogicalType(w, e.logical_type);
    w.EndStruct();
  }
  w.EndStruct();
}

void WriteColumnMetaData(CompactWriter& w, const ColumnMetaData& m) {
  w.FieldI32(1, m.type);
  w.FieldList(2, CType::kI32, static_cast<uint32_t>(m.encodings.size()));
  for (int32_t e : m.encodings) w.ElemI32(e);
  w.FieldList(3, CType::kBinary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const auto& p : m.path_in_schema) w.ElemBinary(p);
  w.FieldI32(4, m.codec);
  w.FieldI64(5, m.num_values);
  w.FieldI64(6, m.total_uncompressed_size);
  w.FieldI64(7, m.total_compressed_size);
  w.FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.FieldStruct(12);
    WriteStatistics(w, *m.statistics);
    w.EndStruct();
  }
  if (!m.encoding_stats.empty()) {
    w.FieldList(13, CType::kStruct, static_cast<uint32_t>(m.encoding_stats.size()));
    for (const auto& s : m.encoding_stats) {
      w.BeginStruct();
      w.FieldI32(1, s.page_type);
      w.FieldI32(2, s.encoding);
      w.FieldI32(3, s.count);
      w.EndStruct();
    }
  }
}

}  // namespace

void Serialize(const FileMetaData& v, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, v.version);
  w.FieldList(2, CType::kStruct, static_cast<uint32_t>(v.schema.size()));
  for (const auto& e : v.schema) WriteSchemaElement(w, e);
  w.FieldI64(3, v.num_rows);
  w.FieldList(4, CType::kStruct, static_cast<uint32_t>(v.row_groups.size()));
  for (const auto& rg : v.row_groups) {
    w.BeginStruct();
    w.FieldList(1, CType::kStruct, static_cast<uint32_t>(rg.columns.size()));
    for (const auto& cc : rg.columns) {
      w.BeginStruct();
      if (cc.file_path) w.FieldBinary(1, *cc.file_path);
      w.FieldI64(2, cc.file_offset);
      if (cc.meta_data) {
        w.FieldStruct(3);
        WriteColumnMetaData(w, *cc.meta_data);
        w.EndStruct();
      }
      if (cc.offset_index_offset) w.FieldI64(4, *cc.offset_index_offset);
      if (cc.offset_index_length) w.FieldI32(5, *cc.offset_index_length);
      if (cc.column_index_offset) w.FieldI64(6, *cc.column_index_offset);
      if (cc.column_index_length) w.FieldI32(7, *cc.column_index_length);
      w.EndStruct();
    }
    w.FieldI64(2, rg.total_byte_size);
    w.FieldI64(3, rg.num_rows);
    if (rg.file_offset) w.FieldI64(5, *rg.file_offset);
    if (rg.total_compressed_size) w.FieldI64(6, *rg.total_compressed_size);
    if (rg.ordinal) w.FieldI32(7, *rg.ordinal);  // i16 and i32 share the varint form
    w.EndStruct();
  }
  if (!v.key_value_metadata.empty()) {
    w.FieldList(5, CType::kStruct, static_cast<uint32_t>(v.key_value_metadata.size()));
    for (const auto& kv : v.key_value_metadata) {
      w.BeginStruct();
      w.FieldBinary(1, kv.key);
      if (kv.value) w.FieldBinary(2, *kv.value);
      w.EndStruct();
    }
  }
  if (v.created_by) w.FieldBinary(6, *v.created_by);
  if (!v.column_orders.empty()) {
    w.FieldList(7, CType::kStruct, static_cast<uint32_t>(v.column_orders.size()));
    for (bool typed : v.column_orders) {
      w.BeginStruct();
      if (typed) {
        w.FieldStruct(1);  // TYPE_ORDER: TypeDefinedOrder {}
        w.EndStruct();
      }
      w.EndStruct();
    }
  }
  w.EndStruct();
}

void SerializeColumnMetaData(const ColumnMetaData& v, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  WriteColumnMetaData(w, v);
  w.EndStruct();
}

void SerializeSchemaElement(const SchemaElement& v, std::string* out) {
  CompactWriter w(out);
  WriteSchemaElement(w, v);
}

void Serialize(const PageHeader& v, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, v.type);
  w.FieldI32(2, v.uncompressed_page_size);
  w.FieldI32(3, v.compressed_page_size);
  if (v.crc) w.FieldI32(4, *v.crc);
  if (v.data_page_header) {
    const auto& d = *v.data_page_header;
    w.FieldStruct(5);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.encoding);
    w.FieldI32(3, d.definition_level_encoding);
    w.FieldI32(4, d.repetition_level_encoding);
    w.EndStruct();
  }
  if (v.dictionary_page_header) {
    const auto& d = *v.dictionary_page_header;
    w.FieldStruct(7);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.encoding);
    if (d.is_sorted) w.FieldBool(3, *d.is_sorted);
    w.EndStruct();
  }
  if (v.data_page_header_v2) {
    const auto& d = *v.data_page_header_v2;
    w.FieldStruct(8);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.num_nulls);
    w.FieldI32(3, d.num_rows);
    w.FieldI32(4, d.encoding);
    w.FieldI32(5, d.definition_levels_byte_length);
    w.FieldI32(6, d.repetition_levels_byte_length);
    w.FieldBool(7, d.is_compressed);
    w.EndStruct();
  }
  w.EndStruct();
}

void Serialize(const ColumnIndex& v, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldList(1, CType::kBoolTrue, static_cast<uint32_t>(v.null_pages.size()));
  for (bool b : v.null_pages) w.ElemBool(b);
  w.FieldList(2, CType::kBinary, static_cast<uint32_t>(v.min_values.size()));
  for (const auto& s : v.min_values) w.ElemBinary(s);
  w.FieldList(3, CType::kBinary, static_cast<uint32_t>(v.max_values.size()));
  for (const auto& s : v.max_values) w.ElemBinary(s);
  w.FieldI32(4, v.boundary_order);
  if (!v.null_counts.empty()) {
    w.FieldList(5, CType::kI64, static_cast<uint32_t>(v.null_counts.size()));
    for (int64_t n : v.null_counts) w.ElemI64(n);
  }
  w.EndStruct();
}

void Serialize(const OffsetIndex& v, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldList(1, CType::kStruct, static_cast<uint32_t>(v.page_locations.size()));
  for (const auto& p : v.page_locations) {
    w.BeginStruct();
    w.FieldI64(1, p.offset);
    w.FieldI32(2, p.compressed_page_size);
    w.FieldI64(3, p.first_row_index);
    w.EndStruct();
  }
  w.EndStruct();
}

// ---------------------------------------------------------------- parsing

namespace {

// Reads a struct whose header was already consumed (or the top-level one):
// calls on_field(id, type) for each field; it must consume the value or
// return Skip(type).
template <typename F>
bool ReadStruct(CompactReader& r, F&& on_field) {
  if (!r.BeginStruct()) return false;
  while (true) {
    int16_t id;
    CType t;
    if (!r.ReadFieldHeader(&id, &t)) return false;
    if (t == CType::kStop) break;
    if (!on_field(id, t)) return false;
  }
  r.EndStruct();
  return true;
}

bool IsInt(CType t) { return t == CType::kI32 || t == CType::kI16 || t == CType::kByte; }

bool GetI32(CompactReader& r, CType t, int32_t* v) {
  if (t == CType::kByte) {
    int8_t b;
    if (!r.ReadByte(&b)) return false;
    *v = b;
    return true;
  }
  if (t != CType::kI32 && t != CType::kI16 && t != CType::kI64) {
    return r.Fail("expected an integer field, found thrift type " +
                  std::to_string(static_cast<int>(t)));
  }
  int64_t x;
  if (!r.ReadI64(&x)) return false;
  if (x < INT32_MIN || x > INT32_MAX) return r.Fail("i32 field out of range");
  *v = static_cast<int32_t>(x);
  return true;
}
bool GetI32(CompactReader& r, CType t, std::optional<int32_t>* v) {
  int32_t x;
  if (!GetI32(r, t, &x)) return false;
  *v = x;
  return true;
}
bool GetI64(CompactReader& r, CType t, int64_t* v) {
  if (t != CType::kI64 && !IsInt(t)) return r.Fail("expected an i64 field");
  if (t == CType::kByte) {
    int8_t b;
    if (!r.ReadByte(&b)) return false;
    *v = b;
    return true;
  }
  return r.ReadI64(v);
}
bool GetI64(CompactReader& r, CType t, std::optional<int64_t>* v) {
  int64_t x;
  if (!GetI64(r, t, &x)) return false;
  *v = x;
  return true;
}
bool GetBinary(CompactReader& r, CType t, std::string* v) {
  if (t != CType::kBinary) return r.Fail("expected a binary field");
  return r.ReadBinary(v);
}
bool GetBinary(CompactReader& r, CType t, std::optional<std::string>* v) {
  std::string s;
  if (!GetBinary(r, t, &s)) return false;
  *v = std::move(s);
  return true;
}
bool GetBool(CompactReader& r, CType t, bool* v) {
  if (t != CType::kBoolTrue && t != CType::kBoolFalse) return r.Fail("expected a bool field");
  *v = CompactReader::BoolFromType(t);
  return true;
}

// Reads a list field of structs/values: on_elem(elem_type) per element.
template <typename F>
bool ReadList(CompactReader& r, CType t, F&& on_elem) {
  if (t != CType::kList && t != CType::kSet) return r.Fail("expected a list field");
  CType elem;
  uint32_t n;
  if (!r.ReadListHeader(&elem, &n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    if (!on_elem(elem)) return false;
  }
  return true;
}

bool ExpectStruct(CompactReader& r, CType t) {
  if (t != CType::kStruct) return r.Fail("expected a struct");
  return true;
}

bool ParseStatistics(CompactReader& r, Statistics* s) {
  return ReadStruct(r, [&](int16_t id, CType t) {
    switch (id) {
      case 1:
        return GetBinary(r, t, &s->max);
      case 2:
        return GetBinary(r, t, &s->min);
      case 3:
        return GetI64(r, t, &s->null_count);
      case 4:
        return GetI64(r, t, &s->distinct_count);
      case 5:
        return GetBinary(r, t, &s->max_value);
      case 6:
        return GetBinary(r, t, &s->min_value);
      default:
        return r.Skip(t);
    }
  });
}

bool ParseLogicalType(CompactReader& r, LogicalType* lt) {
  return ReadStruct(r, [&](int16_t id, CType t) {
    if (!ExpectStruct(r, t)) return false;
    switch (id) {
      case 1:
        lt->kind = LogicalType::kString;
        return r.Skip(t);
      case 6:
        lt->kind = LogicalType::kDate;
        return r.Skip(t);
      case 8:
        lt->kind = LogicalType::kTimestamp;
        return ReadStruct(r, [&](int16_t fid, CType ft) {
          if (fid == 1) return GetBool(r, ft, &lt->is_adjusted_to_utc);
          if (fid == 2) {
            if (!ExpectStruct(r, ft)) return false;
            return ReadStruct(r, [&](int16_t uid, CType ut) {
              lt->unit = uid == 1   ? TimeUnit::kMillis
                         : uid == 2 ? TimeUnit::kMicros
                         : uid == 3 ? TimeUnit::kNanos
                                    : TimeUnit::kNone;
              return r.Skip(ut);
            });
          }
          return r.Skip(ft);
        });
      default:
        lt->kind = LogicalType::kOther;
        return r.Skip(t);
    }
  });
}

bool ParseSchemaElement(CompactReader& r, SchemaElement* e) {
  return ReadStruct(r, [&](int16_t id, CType t) {
    switch (id) {
      case 1:
        return GetI32(r, t, &e->type);
      case 2:
        return GetI32(r, t, &e->type_length);
      case 3:
        return GetI32(r, t, &e->repetition_type);
      case 4:
        return GetBinary(r, t, &e->name);
      case 5:
        return GetI32(r, t, &e->num_children);
      case 6:
        return GetI32(r, t, &e->converted_type);
      case 10:
        return ExpectStruct(r, t) && ParseLogicalType(r, &e->logical_type);
      default:
        return r.Skip(t);
    }
  });
}

bool ParseColumnMetaData(CompactReader& r, ColumnMetaData* m) {
  return ReadStruct(r, [&](int16_t id, CType t) {
    switch (id) {
      case 1:
        return GetI32(r, t, &m->type);
      case 2:
        return ReadList(r, t, [&](CType et) {
          int32_t e;
          if (!GetI32(r, et, &e)) return false;
          m->encodings.push_back(e);
          return true;
        });
      case 3:
        return ReadList(r, t, [&](CType et) {
          std::string s;
          if (!GetBinary(r, et, &s)) return false;
          m->path_in_schema.push_back(std::move(s));
          return true;
        });
      case 4:
        return GetI32(r, t, &m->codec);
      case 5:
        return GetI64(r, t, &m->num_values);
      case 6:
        return GetI64(r, t, &m->total_uncompressed_size);
      case 7:
        return GetI64(r, t, &m->total_compressed_size);
      case 9:
        return GetI64(r, t, &m->data_page_offset);
      case 11:
        return GetI64(r, t, &m->dictionary_page_offset);
      case 12:
        m->statistics.emplace();
        return ExpectStruct(r, t) && ParseStatistics(r, &*m->statistics);
      case 13:
        return ReadList(r, t, [&](CType et) {
          if (!ExpectStruct(r, et)) return false;
          PageEncodingStats s;
          if (!ReadStruct(r, [&](int16_t fid, CType ft) {
                if (fid == 1) return GetI32(r, ft, &s.page_type);
                if (fid == 2) return GetI32(r, ft, &s.encoding);
                if (fid == 3) return GetI32(r, ft, &s.count);
                return r.Skip(ft);
              }))
            return false;
          m->encoding_stats.push_back(s);
          return true;
        });
      default:
        return r.Skip(t);
    }
  });
}

bool ParseColumnChunk(CompactReader& r, ColumnChunk* c) {
  return ReadStruct(r, [&](int16_t id, CType t) {
    switch (id) {
      case 1:
        return GetBinary(r, t, &c->file_path);
      case 2:
        return GetI64(r, t, &c->file_offset);
      case 3:
        c->meta_data.emplace();
        return ExpectStruct(r, t) && ParseColumnMetaData(r, &*c->meta_data);
      case 4:
        return GetI64(r, t, &c->offset_index_offset);
      case 5:
        return GetI32(r, t, &c->offset_index_length);
      case 6:
        return GetI64(r, t, &c->column_index_offset);
      case 7:
        return GetI32(r, t, &c->column_index_length);
      default:
        return r.Skip(t);
    }
  });
}

bool ParseRowGroup(CompactReader& r, RowGroup* g) {
  return ReadStruct(r, [&](int16_t id, CType t) {
    switch (id) {
      case 1:
        return ReadList(r, t, [&](CType et) {
          if (!ExpectStruct(r, et)) return false;
          g->columns.emplace_back();
          return ParseColumnChunk(r, &g->columns.back());
        });
      case 2:
        return GetI64(r, t, &g->total_byte_size);
      case 3:
        return GetI64(r, t, &g->num_rows);
      case 5:
        return GetI64(r, t, &g->file_offset);
      case 6:
        return GetI64(r, t, &g->total_compressed_size);
      case 7: {
        int32_t o;
        if (!GetI32(r, t, &o)) return false;
        g->ordinal = static_cast<int16_t>(o);
        return true;
      }
      default:
        return r.Skip(t);
    }
  });
}

Status Finish(CompactReader& r, bool ok, const char* what) {
  if (ok) return Status::OK();
  return Status::Corruption(std::string("invalid ") + what + ": " + r.error() + " (at byte " +
                            std::to_string(r.position()) + ")");
}

}  // namespace

Status Parse(const uint8_t* data, size_t size, FileMetaData* out) {
  CompactReader r(data, size);
  bool ok = ReadStruct(r, [&](int16_t id, CType t) {
    switch (id) {
      case 1:
        return GetI32(r, t, &out->version);
      case 2:
        return ReadList(r, t, [&](CType et) {
          if (!ExpectStruct(r, et)) return false;
          out->schema.emplace_back();
          return ParseSchemaElement(r, &out->schema.back());
        });
      case 3:
        return GetI64(r, t, &out->num_rows);
      case 4:
        return ReadList(r, t, [&](CType et) {
          if (!ExpectStruct(r, et)) return false;
          out->row_groups.emplace_back();
          return ParseRowGroup(r, &out->row_groups.back());
        });
      case 5:
        return ReadList(r, t, [&](CType et) {
          if (!ExpectStruct(r, et)) return false;
          KeyValue kv;
          if (!ReadStruct(r, [&](int16_t fid, CType ft) {
                if (fid == 1) return GetBinary(r, ft, &kv.key);
                if (fid == 2) return GetBinary(r, ft, &kv.value);
                return r.Skip(ft);
              }))
            return false;
          out->key_value_metadata.push_back(std::move(kv));
          return true;
        });
      case 6:
        return GetBinary(r, t, &out->created_by);
      case 7:
        return ReadList(r, t, [&](CType et) {
          if (!ExpectStruct(r, et)) return false;
          bool typed = false;
          if (!ReadStruct(r, [&](int16_t fid, CType ft) {
                if (fid == 1) typed = true;
                return r.Skip(ft);
              }))
            return false;
          out->column_orders.push_back(typed);
          return true;
        });
      default:
        return r.Skip(t);
    }
  });
  return Finish(r, ok, "file footer (FileMetaData)");
}

Status Parse(const uint8_t* data, size_t size, PageHeader* out, size_t* consumed) {
  CompactReader r(data, size);
  bool ok = ReadStruct(r, [&](int16_t id, CType t) {
    switch (id) {
      case 1:
        return GetI32(r, t, &out->type);
      case 2:
        return GetI32(r, t, &out->uncompressed_page_size);
      case 3:
        return GetI32(r, t, &out->compressed_page_size);
      case 4:
        return GetI32(r, t, &out->crc);
      case 5: {
        if (!ExpectStruct(r, t)) return false;
        DataPageHeader& d = out->data_page_header.emplace();
        return ReadStruct(r, [&](int16_t fid, CType ft) {
          switch (fid) {
            case 1:
              return GetI32(r, ft, &d.num_values);
            case 2:
              return GetI32(r, ft, &d.encoding);
            case 3:
              return GetI32(r, ft, &d.definition_level_encoding);
            case 4:
              return GetI32(r, ft, &d.repetition_level_encoding);
            default:
              return r.Skip(ft);
          }
        });
      }
      case 7: {
        if (!ExpectStruct(r, t)) return false;
        DictionaryPageHeader& d = out->dictionary_page_header.emplace();
        return ReadStruct(r, [&](int16_t fid, CType ft) {
          switch (fid) {
            case 1:
              return GetI32(r, ft, &d.num_values);
            case 2:
              return GetI32(r, ft, &d.encoding);
            case 3: {
              bool b;
              if (!GetBool(r, ft, &b)) return false;
              d.is_sorted = b;
              return true;
            }
            default:
              return r.Skip(ft);
          }
        });
      }
      case 8: {
        if (!ExpectStruct(r, t)) return false;
        DataPageHeaderV2& d = out->data_page_header_v2.emplace();
        return ReadStruct(r, [&](int16_t fid, CType ft) {
          switch (fid) {
            case 1:
              return GetI32(r, ft, &d.num_values);
            case 2:
              return GetI32(r, ft, &d.num_nulls);
            case 3:
              return GetI32(r, ft, &d.num_rows);
            case 4:
              return GetI32(r, ft, &d.encoding);
            case 5:
              return GetI32(r, ft, &d.definition_levels_byte_length);
            case 6:
              return GetI32(r, ft, &d.repetition_levels_byte_length);
            case 7:
              return GetBool(r, ft, &d.is_compressed);
            default:
              return r.Skip(ft);
          }
        });
      }
      default:
        return r.Skip(t);
    }
  });
  if (consumed) *consumed = r.position();
  return Finish(r, ok, "page header");
}

Status Parse(const uint8_t* data, size_t size, ColumnIndex* out) {
  CompactReader r(data, size);
  bool ok = ReadStruct(r, [&](int16_t id, CType t) {
    switch (id) {
      case 1:
        return ReadList(r, t, [&](CType) {
          bool b;
          if (!r.ReadListElemBool(&b)) return false;
          out->null_pages.push_back(b);
          return true;
        });
      case 2:
      case 3:
        return ReadList(r, t, [&](CType et) {
          std::string s;
          if (!GetBinary(r, et, &s)) return false;
          (id == 2 ? out->min_values : out->max_values).push_back(std::move(s));
          return true;
        });
      case 4:
        return GetI32(r, t, &out->boundary_order);
      case 5:
        return ReadList(r, t, [&](CType et) {
          int64_t n;
          if (!GetI64(r, et, &n)) return false;
          out->null_counts.push_back(n);
          return true;
        });
      default:
        return r.Skip(t);
    }
  });
  return Finish(r, ok, "column index");
}

Status Parse(const uint8_t* data, size_t size, OffsetIndex* out) {
  CompactReader r(data, size);
  bool ok = ReadStruct(r, [&](int16_t id, CType t) {
    if (id != 1) return r.Skip(t);
    return ReadList(r, t, [&](CType et) {
      if (!ExpectStruct(r, et)) return false;
      PageLocation p;
      if (!ReadStruct(r, [&](int16_t fid, CType ft) {
            if (fid == 1) return GetI64(r, ft, &p.offset);
            if (fid == 2) return GetI32(r, ft, &p.compressed_page_size);
            if (fid == 3) return GetI64(r, ft, &p.first_row_index);
            return r.Skip(ft);
          }))
        return false;
      out->page_locations.push_back(p);
      return true;
    });
  });
  return Finish(r, ok, "offset index");
}

const char* EncodingName(int32_t e) {
  switch (e) {
    case PLAIN:
      return "PLAIN";
    case PLAIN_DICTIONARY:
      return "PLAIN_DICTIONARY";
    case RLE:
      return "RLE";
    case BIT_PACKED:
      return "BIT_PACKED";
    case DELTA_BINARY_PACKED:
      return "DELTA_BINARY_PACKED";
    case DELTA_LENGTH_BYTE_ARRAY:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case DELTA_BYTE_ARRAY:
      return "DELTA_BYTE_ARRAY";
    case RLE_DICTIONARY:
      return "RLE_DICTIONARY";
    case BYTE_STREAM_SPLIT:
      return "BYTE_STREAM_SPLIT";
    default:
      return "UNKNOWN";
  }
}

const char* CodecName(int32_t c) {
  switch (c) {
    case UNCOMPRESSED:
      return "UNCOMPRESSED";
    case SNAPPY:
      return "SNAPPY";
    case GZIP:
      return "GZIP";
    case LZO:
      return "LZO";
    case BROTLI:
      return "BROTLI";
    case LZ4:
      return "LZ4";
    case ZSTD:
      return "ZSTD";
    case LZ4_RAW:
      return "LZ4_RAW";
    default:
      return "UNKNOWN";
  }
}

const char* TypeName(int32_t t) {
  switch (t) {
    case BOOLEAN:
      return "BOOLEAN";
    case INT32:
      return "INT32";
    case INT64:
      return "INT64";
    case INT96:
      return "INT96";
    case FLOAT:
      return "FLOAT";
    case DOUBLE:
      return "DOUBLE";
    case BYTE_ARRAY:
      return "BYTE_ARRAY";
    case FIXED_LEN_BYTE_ARRAY:
      return "FIXED_LEN_BYTE_ARRAY";
    default:
      return "UNKNOWN";
  }
}

}  // namespace sparkify::parquet::format
