package dev.changelake.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.jobs.session.AggregateSpec;
import dev.changelake.jobs.session.SessionJobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsConfigTest {
    static final String SESSIONS = String.join("\n",
            "sessions:",
            "  source: {type: kinesis, stream-arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', format: avro,",
            "           kinesis-properties: {aws.region: eu-west-1}}",
            "  key: user_id",
            "  gap: 20min",
            "  allowed-lateness: 30s",
            "  aggregates:",
            "    - {name: events, function: count}",
            "    - {name: revenue, function: sum, field: amount}",
            "    - {name: entry_page, function: first_value, field: item}",
            "  table: analytics.visits",
            "");

    @TempDir
    Path dir;

    private final PipelineConfigLoader loader = new PipelineConfigLoader(Map.of("DB_PASSWORD", "s3cret")::get);

    private Pipeline load(String yaml) throws Exception {
        return loader.load(Files.writeString(dir.resolve("pipeline.yaml"), PipelineConfigLoaderTest.VALID + yaml));
    }

    @Test
    void sessionsSectionGivesTheSessionJobItsOptions() throws Exception {
        SessionJobOptions o = load(SESSIONS).sessionJobOptions();
        assertThat(o.sourceType()).isEqualTo(SessionJobOptions.SourceType.KINESIS);
        assertThat(o.format()).isEqualTo(SessionJobOptions.Format.AVRO);
        assertThat(o.streamArn()).endsWith(":stream/clicks");
        assertThat(o.kinesisProperties()).containsEntry("aws.region", "eu-west-1");
        assertThat(o.gap()).isEqualTo(Duration.ofMinutes(20));
        assertThat(o.allowedLateness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.aggregates()).containsExactly(new AggregateSpec("events", AggregateSpec.Function.COUNT, null),
                new AggregateSpec("revenue", AggregateSpec.Function.SUM, "amount"),
                new AggregateSpec("entry_page", AggregateSpec.Function.FIRST_VALUE, "item"));
        assertThat(o.table()).isEqualTo("analytics.visits");
        assertThat(o.lateTable()).isEqualTo("sessions.late_events");
        assertThat(o.checkpoint().interval()).isEqualTo(Duration.ofSeconds(45));
        assertThat(o.parallelism()).isEqualTo(4);
    }

    @Test
    void withoutASessionsSectionThereIsNoSessionJob() throws Exception {
        assertThat(load("").sessionJobOptions()).isNull();
    }

    @Test
    void badSessionsSettingsAreNamedByTheirPath() {
        String bad = SESSIONS.replace("stream-arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', ", "")
                .replace("gap: 20min", "gap: soon")
                .replace("{name: revenue, function: sum, field: amount}", "{name: revenue, function: sum}")
                .replace("function: first_value", "function: median");
        assertThatThrownBy(() -> load(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sessions.source.stream-arn: required with type kinesis")
                .hasMessageContaining("sessions.gap: 'soon' is not a duration")
                .hasMessageContaining("sessions.aggregates[1]: aggregate revenue: sum needs a field")
                .hasMessageContaining("sessions.aggregates[2].function: 'median' is not one of count, sum");
    }
}
