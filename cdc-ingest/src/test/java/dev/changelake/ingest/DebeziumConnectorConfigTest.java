package dev.changelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.spi.converter.CustomConverter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DebeziumConnectorConfigTest {

    private static CaptureOptions.Builder options() {
        return CaptureOptions.builder().hostname("db.internal").port(3306).user("cdc").password("pw")
                .databases(List.of("shop")).topicPrefix("changelake").kafkaBootstrapServers("b:9092");
    }

    @Test
    void mariadbFlavourUsesTheMariaDbConnectorAndLosslessValueModes() {
        Map<String, String> c = DebeziumConnectorConfig.render(options().flavour(CaptureOptions.Flavour.MARIADB).build());

        assertThat(c).containsEntry("connector.class", "io.debezium.connector.mariadb.MariaDbConnector")
                .containsEntry("decimal.handling.mode", "precise")
                .containsEntry("bigint.unsigned.handling.mode", "precise")
                .containsEntry("time.precision.mode", "adaptive_time_microseconds")
                .containsEntry("database.include.list", "shop")
                .containsEntry("topic.prefix", "changelake")
                .containsEntry("value.converter.schemas.enable", "true")
                .containsEntry("schema.history.internal.kafka.topic", "changelake.schema-history");
    }

    @Test
    void theConnectorsProducerCompressesAndBatchesAndTheUsersOwnPropertiesWin() {
        Map<String, String> c = DebeziumConnectorConfig.render(options().flavour(CaptureOptions.Flavour.MARIADB)
                .connectorProperties(Map.of("producer.override.linger.ms", "5", "snapshot.fetch.size", "10000")).build());

        assertThat(c).containsEntry("producer.override.compression.type", "lz4")
                .containsEntry("producer.override.batch.size", "262144")
                .containsEntry("producer.override.linger.ms", "5")
                .containsEntry("snapshot.fetch.size", "10000");
    }

    @Test
    void kafkaSecuritySettingsReachTheSchemaHistoryClientsOnly() {
        Map<String, String> plain = DebeziumConnectorConfig.render(options().build());
        Map<String, String> iam = DebeziumConnectorConfig.render(options().kafkaClientProperties(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "AWS_MSK_IAM")).build());

        assertThat(plain.keySet()).noneMatch(k -> k.startsWith("schema.history.internal.producer.")
                || k.startsWith("schema.history.internal.consumer."));
        assertThat(iam).containsEntry("schema.history.internal.producer.security.protocol", "SASL_SSL")
                .containsEntry("schema.history.internal.consumer.sasl.mechanism", "AWS_MSK_IAM")
                .doesNotContainKey("security.protocol"); // the worker's own clients are the worker's (MSK Connect's)
    }

    @Test
    void optionsForLosslessValuesAreSet() {
        Map<String, String> c = DebeziumConnectorConfig.render(options().flavour(CaptureOptions.Flavour.MARIADB).build());

        assertThat(c).containsEntry("binary.handling.mode", "bytes")
                .containsEntry("enable.time.adjuster", "false") // YEAR/DATE 0001..0099 stay as written
                .containsEntry("database.yearIsDateType", "false") // the snapshot reads YEAR 0000 without failing
                .containsEntry("event.converting.failure.handling.mode", "fail") // no silent NULLs
                .containsEntry("skipped.operations", "none") // TRUNCATE is emitted, so it can be flagged
                .containsEntry("converters", "year") // only YEAR: TINYINT(1) stays an integer
                .containsEntry("year.type", "dev.changelake.ingest.debezium.YearConverter");
    }

    @Test
    void yearConverterTheConfigurationNamesIsADebeziumCustomConverter() throws Exception {
        Map<String, String> c = DebeziumConnectorConfig.render(options().build());

        Class<?> converter = Class.forName(c.get("year.type"));
        assertThat(CustomConverter.class).isAssignableFrom(converter);
        // Debezium instantiates it by name
        assertThat(converter.getConstructor().newInstance()).isInstanceOf(CustomConverter.class);
    }

    @Test
    void renderingNeedsNoDatabaseSoSnapshotOverridesAreNotInIt() {
        Map<String, String> c = DebeziumConnectorConfig.render(options().build());

        assertThat(c.keySet()).noneMatch(k -> k.startsWith("snapshot.select.statement.overrides"));
    }

    @Test
    void mysqlFlavourDiffersOnlyInTheConnectorClass() {
        Map<String, String> maria = DebeziumConnectorConfig.render(options().flavour(CaptureOptions.Flavour.MARIADB).build());
        Map<String, String> mysql = DebeziumConnectorConfig.render(options().flavour(CaptureOptions.Flavour.MYSQL).build());

        assertThat(mysql).containsEntry("connector.class", "io.debezium.connector.mysql.MySqlConnector");
        mysql.remove("connector.class");
        maria.remove("connector.class");
        assertThat(mysql).isEqualTo(maria);
    }

    @Test
    void topicOfATableIsPrefixDatabaseTable() {
        assertThat(options().build().topicOf("shop", "orders")).isEqualTo("changelake.shop.orders");
    }

    @Test
    void badTopicPrefixIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> options().topicPrefix("bad prefix!").build())
                .hasMessageContaining("'bad prefix!'");
    }

    @Test
    void aSignalTableIsCapturedForDebeziumButItsChangesAreFilteredOutOfTheTopics() {
        Map<String, String> c = DebeziumConnectorConfig.render(options().signalTable("ops.changelake_signal").build());

        assertThat(c).containsEntry("signal.data.collection", "ops.changelake_signal")
                .containsEntry("signal.enabled.channels", "source")
                .containsEntry("database.include.list", "shop,ops")
                .containsEntry("transforms.dropSignals.type", "org.apache.kafka.connect.transforms.Filter")
                .containsEntry("transforms.dropSignals.predicate", "isSignal");
        assertThat("changelake.ops.changelake_signal").matches(c.get("predicates.isSignal.pattern"));
        assertThat("changelake.ops.changelake_signalx").doesNotMatch(c.get("predicates.isSignal.pattern"));
        assertThat("changelake.shop.orders").doesNotMatch(c.get("predicates.isSignal.pattern"));
    }

    @Test
    void aSignalTableMustBeNamedWithItsDatabase() {
        assertThatThrownBy(() -> options().signalTable("changelake_signal").build())
                .hasMessageContaining("must be <database>.<table>").hasMessageContaining("shop.changelake_signal");
    }

    @Test
    void debeziumsWordsForAPurgedBinlogAreRecognised() {
        assertThat(CaptureRunner.isPurgedBinlog("io.debezium.DebeziumException: The connector is trying to read binlog "
                + "starting at Struct{...}, but this is no longer available on the server. Reconfigure the connector"))
                .isTrue();
        assertThat(CaptureRunner.isPurgedBinlog("Could not find first log file name in binary log index file "
                + "Error code: 1236; SQLSTATE: HY000.")).isTrue();
        assertThat(CaptureRunner.isPurgedBinlog("Access denied for user 'cdc'")).isFalse();
    }
}
