package dev.changelake.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {
    /** From stream-jobs, where Maven runs the tests. */
    private static final Path COMMITTED = Path.of("../docs/configuration.md");

    enum Flavour { MARIADB, MYSQL }

    static final class Root {
        @JsonPropertyDescription("Where changes come from.")
        public Source source = new Source();
        @JsonPropertyDescription("The tables to mirror.")
        public List<Table> tables = new ArrayList<>();
        @JsonPropertyDescription("Flink parallelism.")
        public int parallelism = 2;
    }

    static final class Source {
        @JsonPropertyDescription("The database server.")
        public Server server = new Server();
        @JsonPropertyDescription("Databases | schemas to read,\n   every table of each.")
        public List<String> databaseNames = new ArrayList<>(List.of("shop", "crm"));
        @JsonPropertyDescription("Passed to the connector.")
        public Map<String, String> properties = new LinkedHashMap<>();
        @JsonPropertyDescription("How records are encoded.")
        @OneOf({"json", "avro"})
        public String encoding = "json";
        @JsonPropertyDescription("The server's kind.")
        @OneOf(enumType = Flavour.class)
        public String flavour = "mariadb";
        @JsonPropertyDescription("How often to poll.")
        @DurationString
        public String pollInterval = "30s";
    }

    static final class Server {
        @JsonPropertyDescription("Required.")
        public String hostName;
        @JsonPropertyDescription("TCP port.")
        public int port = 3306;
        @JsonPropertyDescription("Use TLS.")
        public Boolean ssl = false;
    }

    static final class Table {
        @JsonPropertyDescription("`<db>.<table>`, or a\\b <db> alone.")
        public String name;
        @JsonPropertyDescription("Column name → SQL expression.")
        public Map<String, String> columns = new LinkedHashMap<>();
        @JsonPropertyDescription("Per-column settings.")
        public Map<String, Column> settings = new LinkedHashMap<>();
    }

    static final class Column {
        @JsonPropertyDescription("Leave the column out.")
        public boolean drop;
    }

    @Test
    void documentsEveryKeyWithTypeDefaultAndDescription() {
        String md = ConfigDocs.markdown(Root.class);

        assertThat(md).contains("""
                ## `source`

                Where changes come from.

                | Key | Type | Default | Description |
                |---|---|---|---|
                | `source.server` | object |  | The database server. |
                | `source.server.host-name` | string | — | Required. |
                | `source.server.port` | integer | `3306` | TCP port. |
                | `source.server.ssl` | boolean | `false` | Use TLS. |
                | `source.database-names` | list of strings | `["shop","crm"]` | Databases \\| schemas to read, every table of each. |
                | `source.properties` | map string→string | — | Passed to the connector. |
                | `source.encoding` | one of `json`, `avro` | `json` | How records are encoded. |
                | `source.flavour` | one of `mariadb`, `mysql` | `mariadb` | The server's kind. |
                | `source.poll-interval` | duration, e.g. `30s`, `2min` | `30s` | How often to poll. |
                """);
        assertThat(md).contains("""
                ## `tables`

                The tables to mirror.

                | Key | Type | Default | Description |
                |---|---|---|---|
                | `tables` | list of objects | — | The tables to mirror. |
                | `tables[].name` | string | — | `<db>.<table>`, or a\\\\b &lt;db> alone. |
                | `tables[].columns` | map string→string | — | Column name → SQL expression. |
                | `tables[].settings` | map string→object | — | Per-column settings. |
                | `tables[].settings.<name>.drop` | boolean | `false` | Leave the column out. |
                """);
        assertThat(md).contains("| `parallelism` | integer | `2` | Flink parallelism. |");
        // the MSF paragraph takes its example from this tree
        assertThat(md).contains("e.g. `source.server.host-name` is key `server.host-name` in group `source`"
                + " (a group may be a deeper path: group `source.server`, key `host-name` works too)");
        assertThat(md).contains("{\"PropertyGroupId\": \"source\", \"PropertyMap\": {\"server.host-name\": \"…\"}}");
    }

    static final class Undescribed {
        @JsonPropertyDescription("Described.")
        public Inner inner = new Inner();
        public int count;
    }

    static final class Inner {
        public List<String> names;
    }

    @Test
    void anOptionWithoutDescriptionFailsGenerationNamingIt() {
        assertThatThrownBy(() -> ConfigDocs.markdown(Undescribed.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing on:\n  Inner.names (inner.names)\n  Undescribed.count (count)");
    }

    static final class NoDefaultConstructor {
        @JsonPropertyDescription("Items.")
        public List<Item> items;
    }

    static final class Item {
        @JsonPropertyDescription("A name.")
        public String name;

        Item(String name) {
            this.name = name;
        }
    }

    @Test
    void aClassWithoutNoArgumentConstructorIsNamed() {
        assertThatThrownBy(() -> ConfigDocs.markdown(NoDefaultConstructor.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Item.class.getName() + " needs a no-argument constructor");
    }

    /**
     * The committed reference is what the options say. With {@code -Dchangelake.docs.write=true} it rewrites the file
     * instead (see {@link ConfigDocs#REGENERATE}).
     */
    @Test
    void configurationDocMatchesTheOptions() throws Exception {
        String generated = ConfigDocs.markdown(PipelineConfig.class);
        if (Boolean.getBoolean("changelake.docs.write")) {
            Files.writeString(COMMITTED, generated);
            return;
        }
        String hint = "docs/configuration.md is not what PipelineConfig says; regenerate it with\n  "
                + ConfigDocs.REGENERATE + "\n";
        assertThat(COMMITTED).as(hint).exists();
        String committed = Files.readString(COMMITTED);
        if (!committed.equals(generated)) {
            fail(hint + firstDifference(committed, generated));
        }
    }

    /** The whole files would drown the hint; the first line that differs says enough. */
    private static String firstDifference(String committed, String generated) {
        List<String> a = committed.lines().toList();
        List<String> b = generated.lines().toList();
        int line = 0;
        while (line < a.size() && line < b.size() && a.get(line).equals(b.get(line))) {
            line++;
        }
        return "first difference, line " + (line + 1) + ":\n  committed: " + (line < a.size() ? a.get(line) : "(end of file)")
                + "\n  generated: " + (line < b.size() ? b.get(line) : "(end of file)");
    }
}
