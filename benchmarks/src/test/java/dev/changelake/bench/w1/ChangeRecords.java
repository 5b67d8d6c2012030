package dev.changelake.bench.w1;

import dev.changelake.schema.ChangeRecord;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** ChangeRecords as comparable text (ChangeRecord has no equals: its values may be arrays). */
final class ChangeRecords {
    private ChangeRecords() {
    }

    /** Table, op, key, before, after (each value with its Java type), and the schema; no position or timestamps. */
    static String withoutPosition(ChangeRecord c) {
        return c.table() + " " + c.op() + " key=" + typed(c.key()) + " before=" + typed(c.before())
                + " after=" + typed(c.after()) + " schema=" + c.schema();
    }

    static String typed(Map<String, Object> row) {
        if (row == null) {
            return "null";
        }
        Map<String, String> out = new TreeMap<>();
        row.forEach((k, v) -> out.put(k, v == null ? "NULL" : v.getClass().getSimpleName() + ":"
                + (v instanceof byte[] ? HexFormat.of().formatHex((byte[]) v) : v.toString())));
        return out + " order=" + row.keySet();
    }
}
