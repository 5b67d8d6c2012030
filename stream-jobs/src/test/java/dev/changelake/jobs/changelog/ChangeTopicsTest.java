package dev.changelake.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.schema.TableId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeTopicsTest {
    private static ChangelogJobOptions.Builder options() {
        return ChangelogJobOptions.builder().bootstrapServers("127.0.0.1:9092").checkpointDir("file:///tmp/cp")
                .catalog(new CatalogOptions("lake", CatalogOptions.Type.JDBC, "s3://b/w", Map.of()));
    }

    @Test
    void aNamedTableWithoutTopicAndADatabaseWithNoneAreMissingOneEntryEach() {
        ChangelogJobOptions o = options().databases(List.of("shop", "crm"))
                .tables(List.of(new TableId("hr", "staff"), new TableId("hr", "desks"))).build();

        List<String> missing = ChangeTopics.missing(o, Set.of("changelake.shop.orders", "changelake.hr.desks", "other.crm.accounts"));

        assertThat(missing).containsExactly("topic changelake.hr.staff (table hr.staff)",
                "no topic matches \\Qchangelake.crm\\E\\.[^.]+ (database crm)");
    }

    @Test
    void nothingIsMissingWhenEveryNamedTableAndDatabaseHasATopic() {
        ChangelogJobOptions o = options().databases(List.of("shop")).tables(List.of(new TableId("hr", "staff"))).build();

        assertThat(ChangeTopics.missing(o, Set.of("changelake.shop.orders", "changelake.hr.staff"))).isEmpty();
    }

    @Test
    void theTableOfATopicIsWhatFollowsThePrefix() {
        ChangelogJobOptions o = options().databases(List.of("shop")).build();

        assertThat(o.tableOfTopic("changelake.shop.orders")).isEqualTo(new TableId("shop", "orders"));
        assertThat(o.tableOfTopic("changelake.dead-letters")).isNull();
        assertThat(o.tableOfTopic("elsewhere.shop.orders")).isNull();
    }
}
