package dev.changelake.lake.delta;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.ColumnType.Kind;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.TableSchema.Column;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** A table with every column kind, partitioned by tenant, on the local filesystem. */
final class DeltaFixtures {
    static final TableSchema ORDERS = new TableSchema(new TableId("shop", "orders"), List.of(
            new Column("tenant", ColumnType.of(Kind.STRING), false),
            new Column("id", ColumnType.of(Kind.LONG), false),
            new Column("qty", ColumnType.of(Kind.INT), true),
            new Column("paid", ColumnType.of(Kind.BOOLEAN), true),
            new Column("ratio", ColumnType.of(Kind.FLOAT), true),
            new Column("weight", ColumnType.of(Kind.DOUBLE), true),
            new Column("amount", ColumnType.decimal(12, 2), true),
            new Column("flags", ColumnType.of(Kind.BINARY), true),
            new Column("ship_date", ColumnType.of(Kind.DATE), true),
            new Column("wait", ColumnType.of(Kind.TIME), true),
            new Column("created_at", ColumnType.of(Kind.TIMESTAMP), true),
            new Column("updated_at", ColumnType.of(Kind.TIMESTAMP_TZ), false)),
            List.of("tenant", "id"));

    private DeltaFixtures() {
    }

    /** Rows with byte[] as ByteBuffer, so equal contents compare equal. */
    static List<Map<String, Object>> comparable(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (Map<String, Object> r : rows) {
            Map<String, Object> c = new LinkedHashMap<>();
            r.forEach((k, v) -> c.put(k, v instanceof byte[] ? java.nio.ByteBuffer.wrap((byte[]) v) : v));
            out.add(c);
        }
        return out;
    }

    static Engine engine() {
        return DefaultEngine.create(new Configuration());
    }

    /** A new table at {@code dir/orders}, partitioned by tenant. */
    static String ordersTable(Engine engine, Path dir) {
        String path = dir.resolve("orders").toUri().toString();
        DeltaTables.create(engine, path, ORDERS, List.of("tenant"), Map.of());
        return path;
    }

    /** A full row; {@code id} also seeds the other values so rows differ. */
    static Map<String, Object> order(String tenant, long id) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("tenant", tenant);
        row.put("id", id);
        row.put("qty", (int) id * 10);
        row.put("paid", id % 2 == 0);
        row.put("ratio", id + 0.5f);
        row.put("weight", id + 0.25d);
        row.put("amount", new BigDecimal(id + ".99"));
        row.put("flags", new byte[] {(byte) id, (byte) 0xFF});
        row.put("ship_date", 19_000 + (int) id);
        row.put("wait", -3_600_000_000L * id); // TIME is a signed duration
        row.put("created_at", 1_700_000_000_000_000L + id);
        row.put("updated_at", 1_700_000_000_123_456L + id);
        return row;
    }
}
