package dev.changelake.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ApplicationPropertiesTest {
    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    @Test
    void applicationGroupChoosesTheJobAndIsNotPartOfItsConfiguration() throws Exception {
        Map<String, Properties> groups = new LinkedHashMap<>();
        groups.put("application", props("job", "Changelog"));
        groups.put("job", props("parallelism", "4"));

        ApplicationProperties app = ApplicationProperties.split("groups", groups);

        assertThat(app.job()).isEqualTo(ApplicationProperties.Job.CHANGELOG);
        assertThat(app.jobGroups()).containsOnlyKeys("job");
    }

    @Test
    void withoutApplicationGroupTheChangelogJobRuns() throws Exception {
        assertThat(ApplicationProperties.split("groups", Map.of("job", props("parallelism", "4"))).job())
                .isEqualTo(ApplicationProperties.Job.CHANGELOG);
    }

    @Test
    void unknownJobOrKeyIsRefusedNamingWhatIsAccepted() {
        assertThatThrownBy(() -> ApplicationProperties.split("groups", Map.of("application", props("job", "batch"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'batch' is not one of changelog");
        assertThatThrownBy(() -> ApplicationProperties.split("groups", Map.of("application", props("jbo", "changelog"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("key 'jbo': unknown; accepted: job");
    }
}
