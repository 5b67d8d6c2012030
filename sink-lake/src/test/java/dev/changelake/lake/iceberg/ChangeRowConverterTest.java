package dev.changelake.lake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.ColumnType;
import dev.changelake.schema.ColumnType.Kind;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.TableSchema.Column;
import dev.changelake.schema.Op;
import dev.changelake.schema.SourcePosition;
import dev.changelake.schema.TableId;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;

class ChangeRowConverterTest {
    static final Schema SCHEMA = IcebergSchemas.toIceberg(IcebergSchemasTest.ORDERS);
    static final ChangeRowConverter CONVERTER = new ChangeRowConverter(SCHEMA);
    static final SourcePosition POS = new SourcePosition(false, 1, 4, 0, null);

    static Map<String, Object> row() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tenant", "acme");
        r.put("id", 42L);
        r.put("amount", new BigDecimal("-12.30"));
        r.put("created_at", -1L); // one microsecond before the epoch
        r.put("updated_at", 1_700_000_000_123_456L);
        r.put("ship_date", 19_675);
        r.put("flags", new byte[] {1, 2});
        return r;
    }

    static Map<String, Object> key() {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("tenant", "acme");
        k.put("id", 42L);
        return k;
    }

    @Test
    void updateBecomesAnUpsertOfTheAfterImage() {
        RowData row = CONVERTER.toRow(new ChangeRecord(new TableId("shop", "orders"), Op.UPDATE, key(), null, row(), POS, 0));

        assertThat(row.getRowKind()).isEqualTo(RowKind.INSERT);
        assertThat(row.getString(0).toString()).isEqualTo("acme");
        assertThat(row.getLong(1)).isEqualTo(42L);
        assertThat(row.getDecimal(2, 12, 2).toBigDecimal()).isEqualByComparingTo("-12.30");
        assertThat(row.getTimestamp(3, 6).toInstant().toString()).isEqualTo("1969-12-31T23:59:59.999999Z");
        assertThat(row.getTimestamp(4, 6).toInstant().toString()).isEqualTo("2023-11-14T22:13:20.123456Z");
        assertThat(row.getInt(5)).isEqualTo(19_675);
        assertThat(row.getBinary(6)).containsExactly(1, 2);
    }

    @Test
    void deleteWithoutBeforeImageCarriesTheKey() {
        RowData row = CONVERTER.toRow(new ChangeRecord(new TableId("shop", "orders"), Op.DELETE, key(), null, null, POS, 0));

        assertThat(row.getRowKind()).isEqualTo(RowKind.DELETE);
        assertThat(row.getString(0).toString()).isEqualTo("acme");
        assertThat(row.getLong(1)).isEqualTo(42L);
        assertThat(row.isNullAt(2)).isTrue();
    }

    @Test
    void timeAsSignedMicrosAndAWideDecimalAsTextPassUnchanged() {
        TableSchema t = new TableSchema(new TableId("shop", "t"), List.of(
                new Column("id", ColumnType.of(Kind.LONG), false),
                new Column("duration", ColumnType.of(Kind.TIME), true),
                new Column("wide", ColumnType.of(Kind.STRING), true)), List.of("id"));
        ChangeRowConverter converter = new ChangeRowConverter(IcebergSchemas.toIceberg(t));
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("id", 1L);
        after.put("duration", -3_020_399_000_000L); // -838:59:59
        after.put("wide", "-" + "9".repeat(35) + "." + "9".repeat(30));

        RowData row = converter.toRow(new ChangeRecord(new TableId("shop", "t"), Op.CREATE, Map.of("id", 1L), null, after, POS, 0));

        assertThat(row.getLong(1)).isEqualTo(-3_020_399_000_000L);
        assertThat(row.getString(2).toString()).isEqualTo("-" + "9".repeat(35) + "." + "9".repeat(30));
    }

    @Test
    void nullColumnStaysNull() {
        Map<String, Object> after = row();
        after.put("amount", null);
        RowData row = CONVERTER.toRow(new ChangeRecord(new TableId("shop", "orders"), Op.CREATE, key(), null, after, POS, 0));
        assertThat(row.isNullAt(2)).isTrue();
    }

    @Test
    void changeOfATableWithoutPrimaryKeyIsAppendedWithItsOperationAndBinlogPosition() {
        TableSchema keyless = new TableSchema(new TableId("shop", "audit_log"), List.of(
                new TableSchema.Column("message", ColumnType.of(ColumnType.Kind.STRING), true)), List.of());
        ChangeRowConverter converter = new ChangeRowConverter(IcebergSchemas.toIceberg(keyless));
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("message", "gone");

        RowData row = converter.toRow(new ChangeRecord(new TableId("shop", "audit_log"), Op.DELETE, new LinkedHashMap<>(),
                before, null, new SourcePosition(false, 7, 1234, 2, null), 1_700_000_000_000L));

        assertThat(row.getRowKind()).isEqualTo(RowKind.INSERT);
        assertThat(row.getString(0).toString()).isEqualTo("gone");
        assertThat(row.getString(1).toString()).isEqualTo("d");
        assertThat(row.getTimestamp(2, 6).getMillisecond()).isEqualTo(1_700_000_000_000L);
        assertThat(row.getBoolean(3)).isFalse();
        assertThat(row.getLong(4)).isEqualTo(7L);
        assertThat(row.getLong(5)).isEqualTo(1234L);
        assertThat(row.getInt(6)).isEqualTo(2);
    }
}
