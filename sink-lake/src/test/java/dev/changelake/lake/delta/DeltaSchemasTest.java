package dev.changelake.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import org.junit.jupiter.api.Test;

class DeltaSchemasTest {

    @Test
    void columnsKeepSourceOrderAndExactTypes() {
        StructType schema = DeltaSchemas.toDelta(DeltaFixtures.ORDERS);

        assertThat(schema.fieldNames()).containsExactly("tenant", "id", "qty", "paid", "ratio", "weight", "amount",
                "flags", "ship_date", "wait", "created_at", "updated_at");
        assertThat(schema.fields()).extracting(StructField::getDataType).containsExactly(
                StringType.STRING, LongType.LONG, IntegerType.INTEGER, BooleanType.BOOLEAN, FloatType.FLOAT,
                DoubleType.DOUBLE, new DecimalType(12, 2), BinaryType.BINARY, DateType.DATE, LongType.LONG,
                TimestampNTZType.TIMESTAMP_NTZ, TimestampType.TIMESTAMP);
    }

    @Test
    void datetimeIsTimestampNtzAndMysqlTimestampIsUtcTimestamp() {
        StructType schema = DeltaSchemas.toDelta(DeltaFixtures.ORDERS);

        assertThat(schema.get("created_at").getDataType()).isEqualTo(TimestampNTZType.TIMESTAMP_NTZ);
        assertThat(schema.get("updated_at").getDataType()).isEqualTo(TimestampType.TIMESTAMP);
    }

    @Test
    void keyAndNotNullColumnsAreNotNullable() {
        StructType schema = DeltaSchemas.toDelta(DeltaFixtures.ORDERS);

        assertThat(schema.get("tenant").isNullable()).isFalse();
        assertThat(schema.get("id").isNullable()).isFalse();
        assertThat(schema.get("updated_at").isNullable()).isFalse();
        assertThat(schema.get("amount").isNullable()).isTrue();
    }

    @Test
    void timeIsSignedMicrosecondsWithAComment() {
        StructField wait = DeltaSchemas.toDelta(DeltaFixtures.ORDERS).get("wait");

        assertThat(wait.getDataType()).isEqualTo(LongType.LONG);
        assertThat(wait.getMetadata().getString("comment")).contains("signed microseconds");
    }
}
