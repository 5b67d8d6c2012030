#!/usr/bin/env python3
"""Writes the poison corpus next to this script: cases.json, values/, keys/, tables/ (see README.md).

The files are the corpus; this script only records how each was made. Run it after changing a case
(python3 generate.py); the output is the same on every run.
"""
import base64, copy, json, os, shutil

OUT = os.path.dirname(os.path.abspath(__file__))
DB = "poison"

def f(field, type_, optional=True, name=None, params=None):
    d = {"type": type_, "optional": optional}
    if name:
        d["name"] = name
        d["version"] = 1
    if params:
        d["parameters"] = params
    d["field"] = field
    return d

DECIMAL = "org.apache.kafka.connect.data.Decimal"
TABLE_COLUMNS = {
    "items": [
        f("id", "int32", False),
        f("name", "string"),
        f("price", "bytes", True, DECIMAL, {"scale": "2", "connect.decimal.precision": "5"}),
        f("qty", "int32"),
        f("active", "boolean"),
        f("born", "int32", True, "io.debezium.time.Date"),
        f("seen_at", "int64", True, "io.debezium.time.Timestamp"),
        f("updated_at", "string", True, "io.debezium.time.ZonedTimestamp"),
        f("weight", "double"),
        f("big", "int64"),
        f("blob", "bytes"),
        f("flags", "bytes", True, "io.debezium.data.Bits", {"length": "12"}),
        {"type": "struct", "fields": [f("wkb", "bytes", False), f("srid", "int32")], "optional": True,
         "name": "io.debezium.data.geometry.Geometry", "version": 1, "doc": "Geometry", "field": "place"},
    ],
    "strict": [f("id", "int32", False), f("label", "string"), f("n", "int32")],
    "cleaned": [f("id", "int32", False), f("code", "string")],
    "ignored": [f("id", "int32", False), f("n", "int32")],
    "parted": [f("id", "int32", False), f("region", "string")],
}

SOURCE_SCHEMA = {"type": "struct", "fields": [
    f("version", "string", False), f("connector", "string", False), f("name", "string", False),
    f("ts_ms", "int64", False),
    {"type": "string", "optional": True, "name": "io.debezium.data.Enum", "version": 1,
     "parameters": {"allowed": "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},
     "default": "false", "field": "snapshot"},
    f("db", "string", False), f("sequence", "string"), f("table", "string"), f("server_id", "int64", False),
    f("gtid", "string"), f("file", "string", False), f("pos", "int64", False), f("row", "int32", False),
    f("thread", "int64"), f("query", "string")],
    "optional": False, "name": "io.debezium.connector.mariadb.Source", "field": "source"}

def envelope_schema(table, columns=None, db=DB):
    cols = columns if columns is not None else TABLE_COLUMNS[table]
    value = lambda side: {"type": "struct", "fields": copy.deepcopy(cols), "optional": True,
                          "name": "changelake.%s.%s.Value" % (db, table), "field": side}
    return {"type": "struct", "fields": [
        value("before"), value("after"), copy.deepcopy(SOURCE_SCHEMA), f("op", "string", False),
        f("ts_ms", "int64"),
        {"type": "struct", "fields": [f("id", "string", False), f("total_order", "int64", False),
                                       f("data_collection_order", "int64", False)],
         "optional": True, "name": "event.block", "version": 1, "field": "transaction"}],
        "optional": False, "name": "changelake.%s.%s.Envelope" % (db, table), "version": 2}

def key_schema(table, fields=None, db=DB):
    return {"type": "struct", "fields": fields if fields is not None else [f("id", "int32", False)],
            "optional": False, "name": "changelake.%s.%s.Key" % (db, table)}

def source(table, pos, db=DB, **over):
    s = {"version": "3.5.0.Final", "connector": "mariadb", "name": "changelake", "ts_ms": 1700000000000 + pos,
         "snapshot": "false", "db": db, "sequence": None, "table": table, "server_id": 1, "gtid": "0-1-%d" % pos,
         "file": "mariadb-bin.000003", "pos": pos, "row": 0, "thread": 7, "query": None}
    s.update(over)
    return s

def dec(unscaled):
    n = unscaled
    length = (n.bit_length() + 8) // 8
    return base64.b64encode(n.to_bytes(length, "big", signed=True)).decode()

def item_row(i):
    return {"id": i, "name": "poison-%d" % i, "price": dec(1234), "qty": 3, "active": True, "born": 19723,
            "seen_at": 1704164645000, "updated_at": "2024-01-02T03:04:05.123456Z", "weight": 1.5,
            "big": 10000000000, "blob": base64.b64encode(bytes([1, 2, 3])).decode(),
            "flags": base64.b64encode(bytes([5, 0])).decode(), "place": None}

def rows(table, i):
    if table == "items":
        return item_row(i)
    if table == "strict":
        return {"id": i, "label": "poison-%d" % i, "n": 1}
    if table == "cleaned":
        return {"id": i, "code": "7"}
    if table == "ignored":
        return {"id": i, "n": 1}
    if table == "parted":
        return {"id": i, "region": "eu"}
    raise KeyError(table)

POS = [900000]
def env(table, op="c", before=None, after=None, schema=None, src=None, db=DB, **payload_over):
    POS[0] += 100
    p = {"before": before, "after": after, "source": src if src is not None else source(table, POS[0], db=db),
         "op": op, "ts_ms": 1700000000500 + POS[0], "transaction": None}
    p.update(payload_over)
    return {"schema": schema if schema is not None else envelope_schema(table, db=db), "payload": p}

def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

cases = []
files = {}

def case(name, table, description, value, expect_code, reason, stage, key="standard", case_id=None, pending=None, **extra):
    entry = {"name": name, "table": table, "description": description}
    if key == "standard":
        entry["key"] = {"payload": {"id": case_id}}
    elif key is None:
        entry["key"] = None
    else:
        entry["key"] = key
    if isinstance(value, dict) and "generate" in value:
        entry["value"] = value
    else:
        ext = ".bin" if not isinstance(value, (dict, list)) and not _is_utf8(value) else ".json"
        path = "values/%s%s" % (name, ext)
        files[path] = value if isinstance(value, bytes) else compact(value)
        entry["value"] = {"file": path}
    if pending:
        entry["pending"] = pending
        entry["shouldBe"] = {"code": expect_code, "stage": stage}
    else:
        entry["expect"] = {"code": expect_code, "stage": stage, "reason": reason}
    entry.update(extra)
    cases.append(entry)

def _is_utf8(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False

def keyfile(name, content):
    path = "keys/%s%s" % (name, ".json" if _is_utf8(content) else ".bin")
    files[path] = content
    return {"file": path}

ID = [1000]
def nid():
    ID[0] += 1
    return ID[0]

def good_items_env(i, **kw):
    return env("items", after=item_row(i), **kw)

# ---------------------------------------------------------------- undecodable: not an envelope at all
i = nid(); whole = compact(good_items_env(i))
case("truncated-json", "items", "a valid create cut in the middle (a producer that died mid-write)", whole[: len(whole) // 2],
     "undecodable", "value is not valid JSON", "decode", case_id=i)
i = nid()
case("not-json", "items", "plain text, not JSON", b"INSERT INTO poison.items VALUES (1, 'x')", "undecodable",
     "value is not valid JSON", "decode", case_id=i)
i = nid()
case("empty-value", "items", "zero bytes (not a tombstone: a tombstone is a null value)", b"", "undecodable",
     "value is not a JSON object", "decode", case_id=i)
i = nid()
case("json-array", "items", "a JSON array of two envelopes instead of one envelope",
     [good_items_env(i), good_items_env(i)], "undecodable", "value is not a JSON object", "decode", case_id=i)
i = nid()
case("json-string", "items", "a JSON string holding an envelope (double-encoded JSON)",
     json.dumps(compact(good_items_env(i)).decode()).encode(), "undecodable", "value is not a JSON object", "decode", case_id=i)
i = nid()
case("json-number", "items", "a bare JSON number", b"42", "undecodable", "value is not a JSON object", "decode", case_id=i)
i = nid()
case("json-null-literal", "items", "the JSON text null (4 bytes), not a Kafka null value", b"null", "undecodable",
     "value is not a JSON object", "decode", case_id=i)
i = nid()
case("deep-nesting-2000", "items", "a string column holding JSON nested 2000 levels deep (beyond Jackson's 1000-level limit)",
     compact(good_items_env(i)).replace(b'"name":"poison-%d"' % i, b'"name":' + b'{"a":' * 2000 + b'1' + b'}' * 2000),
     "undecodable", "nesting depth", "decode", case_id=i)
i = nid()
e = good_items_env(i); raw = compact(e).replace(b'"name":"poison-%d"' % i, b'"name":"bad \xff\xfe byte"')
case("invalid-utf8-start-byte", "items", "bytes 0xFF 0xFE inside a string value: not UTF-8", raw, "undecodable",
     "Invalid UTF-8 start byte", "decode", case_id=i)
i = nid()
e = good_items_env(i); raw = compact(e).replace(b'"name":"poison-%d"' % i, b'"name":"cut \xc3"')
case("invalid-utf8-truncated-sequence", "items", "a two-byte UTF-8 sequence cut after its first byte (0xC3 then a quote)",
     raw, "undecodable", "Invalid UTF-8 middle byte", "decode", case_id=i)

# ---------------------------------------------------------------- undecodable: JSON, but not a Debezium envelope
i = nid(); e = good_items_env(i)
case("missing-payload", "items", "schema without payload", {"schema": e["schema"]}, "undecodable",
     "not a Debezium envelope", "decode", case_id=i)
i = nid(); e = good_items_env(i); e["payload"] = "c"
case("payload-not-object", "items", "payload is a string", e, "undecodable", "not a Debezium envelope", "decode", case_id=i)
i = nid(); e = good_items_env(i); del e["payload"]["op"]
case("missing-op", "items", "payload without op", e, "undecodable", "envelope has no 'op' field", "decode", case_id=i)
i = nid(); e = good_items_env(i); e["payload"]["op"] = 1
case("op-not-text", "items", "op is the number 1", e, "undecodable", "envelope has no 'op' field", "decode", case_id=i)
i = nid(); e = good_items_env(i); e["payload"]["op"] = "x"
case("unknown-op", "items", "op 'x', which Debezium never writes", e, "undecodable", "unknown Debezium op 'x'", "decode", case_id=i)
i = nid(); e = good_items_env(i); del e["payload"]["source"]
case("missing-source", "items", "payload without source block", e, "undecodable", "no source.db / source.table", "decode", case_id=i)
i = nid(); e = good_items_env(i); del e["payload"]["source"]["table"]
case("source-without-table", "items", "source block without table", e, "undecodable", "no source.db / source.table", "decode", case_id=i)
i = nid(); e = good_items_env(i); e["payload"]["source"]["db"] = None
case("source-db-null", "items", "source.db is null", e, "undecodable", "no source.db / source.table", "decode", case_id=i)
i = nid(); e = good_items_env(i); e["payload"]["source"]["file"] = "mariadb-bin.index"
case("bad-binlog-file-name", "items", "source.file does not end in a sequence number", e, "undecodable",
     "bad source block of poison.items: binlog file name 'mariadb-bin.index'", "decode", case_id=i)
i = nid(); e = good_items_env(i); e = e["payload"]
case("bare-envelope-without-schema", "items", "captured with value.converter.schemas.enable=false: the bare envelope, "
     "which this job (encoding json) has no fields for", e, "undecodable", "has no embedded schema", "decode", case_id=i)
i = nid(); e = good_items_env(i); e["schema"]["fields"] = [x for x in e["schema"]["fields"] if x["field"] != "after"]
case("after-without-schema", "items", "payload has an after row, the envelope schema has no after struct", e,
     "undecodable", "envelope has a 'after' row but no schema for it", "decode", case_id=i)
i = nid(); e = env("items", op="u", before=item_row(i), after=item_row(i))
e["schema"]["fields"] = [x for x in e["schema"]["fields"] if x["field"] != "before"]
case("before-without-schema", "items", "update with a before row, the envelope schema has no before struct", e,
     "undecodable", "envelope has a 'before' row but no schema for it", "decode", case_id=i)
i = nid(); e = good_items_env(i); e["schema"] = {"type": "struct", "optional": False}
case("schema-without-fields", "items", "envelope schema is a struct without fields", e, "undecodable",
     "envelope has a 'after' row but no schema for it", "decode", case_id=i)

# ---------------------------------------------------------------- undecodable: ops without the rows they need
i = nid(); e = env("items", op="c", after=None)
case("create-without-after", "items", "op c with after null", e, "undecodable", "CREATE change of poison.items has no 'after' row",
     "decode", case_id=i)
i = nid(); e = env("items", op="u", before=item_row(i), after=None)
case("update-without-after", "items", "op u with a before row and after null", e, "undecodable",
     "UPDATE change of poison.items has no 'after' row", "decode", case_id=i)
i = nid(); e = env("items", op="r", after=None)
case("snapshot-read-without-after", "items", "op r (snapshot read) with after null", e, "undecodable",
     "READ change of poison.items has no 'after' row", "decode", case_id=i)
i = nid(); e = env("items", op="d", before=None, after=None)
case("delete-without-key-or-before", "items", "op d with no Kafka key and before null", e, "undecodable",
     "delete of poison.items has neither a key nor a 'before' row", "decode", key=None)

# ---------------------------------------------------------------- undecodable: keys
i = nid()
case("key-not-json", "items", "the key is text, not JSON", good_items_env(i), "undecodable", "key is not valid JSON", "decode",
     key=keyfile("key-not-json", b"id=%d" % i))
i = nid()
case("key-json-array", "items", "the key is a JSON array", good_items_env(i), "undecodable", "key is not a JSON object", "decode",
     key=keyfile("key-json-array", compact([i])))
i = nid()
case("key-without-schema", "items", "the bare key {\"id\":n}, captured with key.converter.schemas.enable=false", good_items_env(i),
     "undecodable", "key of poison.items is not a Connect JSON struct with schema", "decode",
     key=keyfile("key-without-schema", compact({"id": i})))
i = nid()
case("key-id-not-a-number", "items", "key payload id is the text \"abc\" for an int32 key column", good_items_env(i),
     "undecodable", "cannot decode", "decode", pending="ConnectValues.decode reads int32 with JsonNode.intValue(), which is 0 for text: "
     "the key becomes id 0 and the row is upserted as id 0",
     key={"payload": {"id": "abc"}})

# ---------------------------------------------------------------- undecodable: column values
def bad_item(name, col, value, reason, description, pending=None, code="undecodable"):
    i = nid(); row = item_row(i); row[col] = value
    case(name, "items", description, env("items", after=row), code, reason, "decode" if code == "undecodable" else "shape",
         case_id=i, pending=pending)

bad_item("decimal-not-base64", "price", "12.34", "column poison.items.price (bytes org.apache.kafka.connect.data.Decimal): cannot decode",
         "DECIMAL written as a plain number text instead of JsonConverter's base64 bytes")
bad_item("decimal-base64-garbage", "price", "!!not base64!!", "cannot decode", "DECIMAL bytes that are not base64")
bad_item("zoned-timestamp-not-iso", "updated_at", "yesterday at noon", "column poison.items.updated_at (string io.debezium.time.ZonedTimestamp): cannot decode",
         "a TIMESTAMP (ZonedTimestamp) that is not ISO-8601")
bad_item("timestamp-millis-overflow", "seen_at", 9223372036854776, "cannot decode",
         "a DATETIME (Timestamp, millis) whose micros overflow int64 (beyond the year 294247)")
bad_item("double-not-a-number-text", "weight", "heavy", "column poison.items.weight (double): cannot decode",
         "a DOUBLE written as a text that is no number")
bad_item("bytes-not-base64", "blob", "\u00e9t\u00e9", "column poison.items.blob (bytes): cannot decode",
         "a BLOB value that is not base64")
bad_item("bits-wider-than-column", "flags", base64.b64encode(bytes([1, 2, 3])).decode(), "more than the 12 bits of the column",
         "BIT(12) value with 3 bytes, the third not zero")
bad_item("geometry-without-wkb", "place", {"srid": 4326}, "geometry value has no 'wkb'", "a GEOMETRY struct without its wkb")
bad_item("geometry-wkb-not-base64", "place", {"wkb": "%%%", "srid": 0}, "column poison.items.place", "a GEOMETRY whose wkb is not base64")

i = nid(); cols = TABLE_COLUMNS["items"] + [f("tags", "uuid")]; row = item_row(i); row["tags"] = "5b1c"
case("unknown-connect-type-with-value", "items", "a column of Connect type 'uuid' (no such Connect type) holding a value",
     env("items", after=row, schema=envelope_schema("items", cols)), "undecodable", "has Connect type 'uuid', which has no lake type",
     "decode", case_id=i)
i = nid(); cols = TABLE_COLUMNS["items"] + [{"type": "array", "items": {"type": "string", "optional": False}, "optional": True, "field": "tags"}]
row = item_row(i); row["tags"] = None
case("unknown-connect-type-null-value", "items", "a column of Connect type array (no lake type), NULL in this row: refused by the schema",
     env("items", after=row, schema=envelope_schema("items", cols)), "undecodable", "column poison.items.tags: Connect type 'array' has no lake type",
     "decode", case_id=i)
i = nid(); cols = TABLE_COLUMNS["items"] + [f("mood", "string", True, "io.debezium.data.Enum", {"allowed": "happy,?,sad"})]
row = item_row(i); row["mood"] = "happy"
case("enum-label-with-question-mark", "items", "an ENUM whose allowed labels hold '?': how the server reports a 4-byte UTF-8 label",
     env("items", after=row, schema=envelope_schema("items", cols)), "undecodable", "has a label with '?'", "decode", case_id=i)
i = nid(); cols = copy.deepcopy(TABLE_COLUMNS["items"]); cols[2]["parameters"]["scale"] = "two"
case("decimal-scale-not-a-number", "items", "a DECIMAL whose schema gives scale \"two\"",
     env("items", after=item_row(i), schema=envelope_schema("items", cols)), "undecodable", "column poison.items.price", "decode", case_id=i)

# accepted today: the decoder reads a JSON value of the wrong kind as 0 / false / a wrapped number
bad_item("int-column-text", "qty", "abc", "cannot decode", "an INT column holding the text \"abc\"",
         pending="JsonNode.intValue() is 0 for text: the row is written with qty = 0")
bad_item("boolean-column-text", "active", "yes", "cannot decode", "a BOOLEAN column holding the text \"yes\"",
         pending="JsonNode.asBoolean() is false for any text but \"true\": the row is written with active = false")
bad_item("int32-overflow", "qty", 2147483648, "cannot decode", "an INT column holding 2^31",
         pending="JsonNode.intValue() narrows a long: the row is written with qty = -2147483648")
bad_item("bigint-beyond-int64", "big", 18446744073709551616, "cannot decode", "a BIGINT column holding 2^64",
         pending="JsonNode.longValue() of a BigInteger wraps: the row is written with big = 0")
bad_item("date-as-text", "born", "2024-01-01", "cannot decode", "a DATE (days since epoch) holding the text \"2024-01-01\"",
         pending="JsonNode.intValue() is 0 for text: the row is written with born = 1970-01-01")
bad_item("timestamp-as-text", "seen_at", "2024-01-01 10:00:00", "cannot decode", "a DATETIME (Timestamp, millis) holding a text",
         pending="JsonNode.longValue() is 0 for text: the row is written with seen_at = 1970-01-01T00:00")
bad_item("string-column-object", "name", {"first": "a"}, "cannot decode", "a VARCHAR column holding a JSON object",
         pending="JsonNode.asText() of an object is \"\": the row is written with name = ''")

# ---------------------------------------------------------------- null-key
i = nid()
case("key-id-null", "items", "key payload {\"id\": null}", good_items_env(i), "null-key",
     "primary key column id of poison.items is null or missing in the record's key", "shape", key={"payload": {"id": None}})
i = nid()
case("key-payload-without-id", "items", "key schema names id, key payload is {}", good_items_env(i), "null-key",
     "primary key column id of poison.items is null or missing", "shape", key={"payload": {}})
i = nid()
case("delete-key-id-null", "items", "a delete whose key id is null and without before row",
     env("items", op="d", before=None, after=None), "null-key", "primary key column id of poison.items is null", "shape",
     key={"payload": {"id": None}})
i = nid()
case("create-without-kafka-key", "items", "a create of a table with primary key, sent without Kafka key", good_items_env(i),
     "null-key", "", "shape", key=None,
     pending="DecodeFunction takes a change without key for one of a table without primary key: it is counted in "
             "changesOfTablesNotMirrored and dropped, with a log line saying the table has no primary key")

# ---------------------------------------------------------------- wrong-topic
i = nid(); e = env("items", after={"id": i, "x": 1}, schema=envelope_schema("ghost", [f("id", "int32", False), f("x", "int32")]))
e["payload"]["source"]["table"] = "ghost"
case("unknown-table-in-topic", "items", "a change of poison.ghost (a table no entry names) in the topic of poison.items", e,
     "wrong-topic", "change of poison.ghost in topic changelake.poison.items", "route", case_id=i)
i = nid(); e = env("items", after=item_row(i), schema=envelope_schema("items", db="other"), db="other")
case("other-database-in-topic", "items", "a change of other.items in the topic of poison.items", e, "wrong-topic",
     "change of other.items in topic changelake.poison.items", "route", case_id=i)
i = nid(); e = env("items", after=rows("strict", i), schema=envelope_schema("strict")); e["payload"]["source"]["table"] = "strict"
case("mirrored-table-in-wrong-topic", "items", "a change of poison.strict (mirrored) in the topic of poison.items", e,
     "wrong-topic", "change of poison.strict in topic changelake.poison.items", "route", case_id=i)

# ---------------------------------------------------------------- truncate
e = env("items", op="t", before=None, after=None)
case("truncate-items", "items", "TRUNCATE TABLE poison.items (Debezium sends it without key)", e, "truncate",
     "TRUNCATE of poison.items is not mirrored", "apply", key=None)
e = env("strict", op="t", before=None, after=None)
case("truncate-strict", "strict", "TRUNCATE TABLE poison.strict", e, "truncate", "TRUNCATE of poison.strict is not mirrored", "apply", key=None)

# ---------------------------------------------------------------- too-large
i = nid()
case("row-of-20-mib", "items", "a create whose name column holds 20 MiB of text (the whole record is over 20 MiB)",
     {"generate": "items-row-with-long-name", "nameBytes": 20971520, "id": i}, "too-large",
     "is larger than source.max-change-bytes (16777216)", "decode", case_id=i, cut=True)

# ---------------------------------------------------------------- schema evolution: strict (FAIL)
i = nid(); cols = TABLE_COLUMNS["strict"] + [f("extra", "string")]; row = rows("strict", i); row["extra"] = "new"
case("strict-new-column", "strict", "ALTER TABLE ADD COLUMN on a table whose schema-evolution is fail",
     env("strict", after=row, schema=envelope_schema("strict", cols)), "schema-change-refused",
     "columns of poison.strict differ from lake table poison.strict (new extra string)", "evolve", case_id=i)
i = nid(); cols = [c for c in TABLE_COLUMNS["strict"] if c["field"] != "label"]; row = rows("strict", i); del row["label"]
case("strict-dropped-column", "strict", "ALTER TABLE DROP COLUMN label on a table whose schema-evolution is fail",
     env("strict", after=row, schema=envelope_schema("strict", cols)), "schema-change-refused", "gone label", "evolve", case_id=i)
i = nid(); cols = copy.deepcopy(TABLE_COLUMNS["strict"]); cols[2]["type"] = "int64"
case("strict-widened-column", "strict", "INT -> BIGINT on a table whose schema-evolution is fail",
     env("strict", after=rows("strict", i), schema=envelope_schema("strict", cols)), "schema-change-refused",
     "changed n int -> long", "evolve", case_id=i)

# ---------------------------------------------------------------- type changes Iceberg cannot follow
i = nid(); cols = copy.deepcopy(TABLE_COLUMNS["items"]); cols[1]["type"] = "int32"; row = item_row(i); row["name"] = 17
case("items-string-to-int", "items", "VARCHAR name -> INT on an evolving table",
     env("items", after=row, schema=envelope_schema("items", cols)), "type-change-refused",
     "changed type in a way Iceberg cannot follow (name string -> int)", "evolve", case_id=i)
i = nid(); cols = copy.deepcopy(TABLE_COLUMNS["items"]); cols[2]["parameters"]["scale"] = "3"; row = item_row(i); row["price"] = dec(12345)
case("items-decimal-scale-change", "items", "DECIMAL(5,2) -> DECIMAL(5,3)",
     env("items", after=row, schema=envelope_schema("items", cols)), "type-change-refused",
     "price decimal(5, 2) -> decimal(5, 3)", "evolve", case_id=i)
i = nid(); cols = copy.deepcopy(TABLE_COLUMNS["items"]); cols[4]["type"] = "string"; row = item_row(i); row["active"] = "true"
case("items-boolean-to-string", "items", "BIT(1) active -> VARCHAR",
     env("items", after=row, schema=envelope_schema("items", cols)), "type-change-refused", "active boolean -> string", "evolve", case_id=i)
i = nid(); cols = copy.deepcopy(TABLE_COLUMNS["ignored"]); cols[1]["type"] = "double"; row = rows("ignored", i); row["n"] = 2.5
case("ignored-int-to-double", "ignored", "INT -> DOUBLE on a table whose schema-evolution is ignore: lossy into its INT column",
     env("ignored", after=row, schema=envelope_schema("ignored", cols)), "type-change-refused",
     "changed type incompatibly with lake table poison.ignored (n int -> double)", "evolve", case_id=i)

# ---------------------------------------------------------------- primary key change
i = nid(); cols = TABLE_COLUMNS["items"] + [f("sku", "string", False)]; row = item_row(i); row["sku"] = "A-1"
case("items-primary-key-widened", "items", "ALTER TABLE ADD COLUMN sku NOT NULL, PRIMARY KEY (id, sku)",
     env("items", after=row, schema=envelope_schema("items", cols)), "primary-key-changed",
     "primary key of poison.items is [id, sku] in this change but [id] in lake table poison.items", "evolve",
     key=keyfile("items-primary-key-widened",
                                    compact({"schema": key_schema("items", [f("id", "int32", False), f("sku", "string", False)]),
                                             "payload": {"id": i, "sku": "A-1"}})))
i = nid()
case("items-primary-key-changed-key-only", "items", "PRIMARY KEY (id) -> (id, qty) where qty was already NOT NULL: "
     "only the key schema changes", good_items_env(i), "primary-key-changed", "", "evolve",
     key=keyfile("items-primary-key-changed-key-only",
                 compact({"schema": key_schema("items", [f("id", "int32", False), f("qty", "int32", False)]),
                          "payload": {"id": i, "qty": 3}})),
     pending="DebeziumJsonDecoder.schema() caches table schemas by the value schema alone: a key that changes while "
             "the columns do not gets the cached primary key [id], and the row is upserted by id")

# ---------------------------------------------------------------- cleaning rules
i = nid(); row = rows("cleaned", i); row["code"] = "abc"
case("cast-text-to-int", "cleaned", "code 'abc' under the rule code_num: CAST(code AS INT)",
     env("cleaned", after=row), "clean-failed", "columns.code_num: cannot be evaluated on this row", "clean", case_id=i)
i = nid(); row = rows("cleaned", i); row["code"] = "99999999999"
case("cast-overflows-int", "cleaned", "code '99999999999' under CAST(code AS INT)",
     env("cleaned", after=row), "clean-failed", "columns.code_num: cannot be evaluated on this row", "clean", case_id=i)
i = nid(); cols = [f("id", "int32", False), f("kode", "string")]; row = {"id": i, "kode": "7"}
case("rule-column-renamed", "cleaned", "code renamed to kode at the source: CAST(code AS INT) no longer compiles",
     env("cleaned", after=row, schema=envelope_schema("cleaned", cols)), "rules-do-not-compile",
     "cleaning rules of poison.cleaned do not apply to its columns", "clean", case_id=i)

# ---------------------------------------------------------------- values that do not fit their lake column
i = nid(); row = item_row(i); row["price"] = dec(1234567)
case("decimal-overflows-precision", "items", "12345.67 in a DECIMAL(5,2) column", env("items", after=row),
     "decimal-overflow", "value of poison.items.price has 5 integer digits and scale 2, more than its lake column DECIMAL(5,2)",
     "shape", case_id=i)
i = nid(); row = item_row(i); row["price"] = dec(-100000)
case("decimal-overflows-negative", "items", "-1000.00 in a DECIMAL(5,2) column", env("items", after=row),
     "decimal-overflow", "has 4 integer digits", "shape", case_id=i)
i = nid(); cols = copy.deepcopy(TABLE_COLUMNS["ignored"]); cols[1]["type"] = "int64"; row = rows("ignored", i); row["n"] = 2 ** 40
case("ignored-bigint-beyond-int", "ignored", "INT -> BIGINT at the source, 2^40 for the lake's INT column (schema-evolution ignore)",
     env("ignored", after=row, schema=envelope_schema("ignored", cols)), "value-out-of-range",
     "value of poison.ignored.n (now LONG at the source) does not fit its lake column INT", "shape", case_id=i)
i = nid(); row = rows("ignored", i); row["n"] = -(2 ** 40)
case("ignored-bigint-below-int", "ignored", "-2^40 for the lake's INT column (schema-evolution ignore)",
     env("ignored", after=row, schema=envelope_schema("ignored", cols)), "value-out-of-range",
     "does not fit its lake column INT", "shape", case_id=i)

# ---------------------------------------------------------------- lake table cannot be created
i = nid(); cols = [f("sku", "string", False), f("region", "string")]; row = {"sku": "S-%d" % i, "region": "eu"}
case("first-change-without-partition-column", "parted", "the first change of poison.parted (partition-by bucket(4, id)) has no id column",
     env("parted", after=row, schema=envelope_schema("parted", cols)), "table-not-created",
     "lake table poison.parted for poison.parted cannot be created", "create", goodBefore=False,
     key=keyfile("first-change-without-partition-column",
                 compact({"schema": key_schema("parted", [f("sku", "string", False)]), "payload": {"sku": "S-%d" % i}})))


# ---------------------------------------------------------------- accepted today, and crashing the job: documented, not produced
i = nid(); row = item_row(i); row["id"] = None
case("after-primary-key-null", "items", "key id n, after row with id null", env("items", after=row), "undecodable", "", "decode",
     case_id=i, pending="accepted, then the Iceberg writer fails on a null in the required (identifier) column id: "
     "NullPointerException in the Parquet writer, the job restarts and meets the record again, for ever")
i = nid(); e = good_items_env(i); e["payload"]["after"] = "row"
case("after-not-an-object", "items", "after is the string \"row\"", e, "undecodable", "", "decode", case_id=i,
     pending="DebeziumJsonDecoder.row() reads fields of a text node as missing: every column NULL, the primary key "
     "column too, and the Iceberg writer then fails on the required column (job restarts for ever)")
i = nid(); cols = TABLE_COLUMNS["items"] + [f("name", "string")]
case("duplicate-column-name", "items", "the after struct names the column name twice",
     env("items", after=item_row(i), schema=envelope_schema("items", cols)), "undecodable", "", "decode", case_id=i,
     pending="TableShaper.plan() builds the Iceberg schema outside its try: ValidationException 'multiple fields for "
     "name name' leaves processElement, the job restarts and meets the record again, for ever")
i = nid(); cols = copy.deepcopy(TABLE_COLUMNS["items"]); del cols[1]["field"]; row = item_row(i); del row["name"]
case("column-without-name", "items", "a column schema without its field name",
     env("items", after=row, schema=envelope_schema("items", cols)), "undecodable", "", "decode", case_id=i,
     pending="ConnectField reads the missing name as \"\"; Iceberg refuses the column name in TableShaper.plan() "
     "outside its try (IllegalArgumentException 'Invalid column name: (empty)'): the job restarts for ever")
i = nid(); row = item_row(i); row["id"] = i + 1
case("key-and-row-disagree", "items", "key id n, after row id n+1", env("items", after=row), "undecodable", "", "decode",
     case_id=i, pending="accepted: dedupe orders the change by the key (id n), the lake upserts it by the row (id n+1)")

# ---------------------------------------------------------------- write
for d in ("values", "keys", "tables"):
    shutil.rmtree(os.path.join(OUT, d), ignore_errors=True)
    os.makedirs(os.path.join(OUT, d))
for path, content in files.items():
    with open(os.path.join(OUT, path), "wb") as fh:
        fh.write(content)
for t in TABLE_COLUMNS:
    with open(OUT + "/tables/%s.json" % t, "w") as fh:
        json.dump({"envelopeSchema": envelope_schema(t), "keySchema": key_schema(t)}, fh, indent=1)
        fh.write("\n")
with open(OUT + "/cases.json", "w") as fh:
    fh.write("[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n]\n")
active = [c for c in cases if "pending" not in c]
print(len(cases), "cases,", len(active), "active")
from collections import Counter
print(Counter(c["expect"]["code"] for c in active))
