package dev.changelake.lake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.ColumnType.Kind;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.TableSchema.Column;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class IcebergSchemasTest {

    static final TableSchema ORDERS = new TableSchema(new TableId("shop", "orders"), List.of(
            new Column("tenant", ColumnType.of(Kind.STRING), false),
            new Column("id", ColumnType.of(Kind.LONG), false),
            new Column("amount", ColumnType.decimal(12, 2), true),
            new Column("created_at", ColumnType.of(Kind.TIMESTAMP), true),
            new Column("updated_at", ColumnType.of(Kind.TIMESTAMP_TZ), false),
            new Column("ship_date", ColumnType.of(Kind.DATE), true),
            new Column("flags", ColumnType.of(Kind.BINARY), true)),
            List.of("tenant", "id"));

    @Test
    void primaryKeyBecomesTheIdentifierFields() {
        Schema schema = IcebergSchemas.toIceberg(ORDERS);

        assertThat(schema.identifierFieldNames()).containsExactlyInAnyOrder("tenant", "id");
        assertThat(schema.findField("id").isRequired()).isTrue();
    }

    @Test
    void columnsKeepSourceOrderNullabilityAndExactTypes() {
        Schema schema = IcebergSchemas.toIceberg(ORDERS);

        assertThat(schema.columns()).extracting(Types.NestedField::name)
                .containsExactly("tenant", "id", "amount", "created_at", "updated_at", "ship_date", "flags");
        assertThat(schema.findType("amount")).isEqualTo(Types.DecimalType.of(12, 2));
        assertThat(schema.findType("created_at")).isEqualTo(Types.TimestampType.withoutZone());
        assertThat(schema.findType("updated_at")).isEqualTo(Types.TimestampType.withZone());
        assertThat(schema.findField("updated_at").isRequired()).isTrue();
        assertThat(schema.findField("amount").isOptional()).isTrue();
        assertThat(schema.findType("flags")).isEqualTo(Types.BinaryType.get());
    }

    @Test
    void mysqlTimeIsASignedMicrosecondCountBecauseIcebergTimeIsATimeOfDay() {
        TableSchema t = new TableSchema(new TableId("shop", "shifts"), List.of(
                new Column("id", ColumnType.of(Kind.LONG), false),
                new Column("duration", ColumnType.of(Kind.TIME), true)), List.of("id"));

        Types.NestedField duration = IcebergSchemas.toIceberg(t).findField("duration");

        assertThat(duration.type()).isEqualTo(Types.LongType.get());
        assertThat(duration.doc()).isEqualTo("MySQL TIME: signed microseconds");
        assertThat(IcebergSchemas.toIceberg(t).findField("id").doc()).isNull();
    }

    @Test
    void everyLakeKindHasAnIcebergType() {
        for (Kind kind : Kind.values()) {
            ColumnType t = kind == Kind.DECIMAL ? ColumnType.decimal(38, 10) : ColumnType.of(kind);
            assertThat(IcebergSchemas.type(t)).as(kind.name()).isNotNull();
        }
    }

    @Test
    void tableWithoutPrimaryKeyBecomesAnAppendOnlyChangelogWithoutIdentifierFields() {
        TableSchema keyless = new TableSchema(new TableId("shop", "audit_log"), List.of(
                new Column("message", ColumnType.of(Kind.STRING), true)), List.of());

        Schema schema = IcebergSchemas.toIceberg(keyless);

        assertThat(schema.identifierFieldIds()).isEmpty();
        assertThat(schema.columns()).extracting(Types.NestedField::name).containsExactly("message", "_change_op",
                "_change_ts", "_snapshot", "_binlog_file", "_binlog_pos", "_binlog_row");
    }

    @Test
    void keylessTableWithAColumnNamedLikeAChangelogColumnIsRefused() {
        TableSchema clash = new TableSchema(new TableId("shop", "log"), List.of(
                new Column("_change_op", ColumnType.of(Kind.STRING), true)), List.of());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IcebergSchemas.toIceberg(clash))
                .hasMessageContaining("shop.log has no primary key and a column named _change_op");
    }
}
