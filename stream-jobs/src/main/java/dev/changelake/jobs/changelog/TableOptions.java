package dev.changelake.jobs.changelog;

import dev.changelake.jobs.clean.CleaningRules;
import dev.changelake.lake.iceberg.PartitionTransforms;
import dev.changelake.schema.TableId;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one source table (named, or matched by a regular expression over {@code db.table}) is mirrored: its lake
 * table's name, partitioning and properties, its schema-evolution mode and its cleaning rules. The first entry of
 * {@code tables} in {@code pipeline.yaml} that matches a table applies to it.
 */
public final class TableOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TableId name;
    private final Pattern regex;
    private final String namespace;
    private final String lakeTable;
    private final PartitionTransforms partitionBy;
    private final Map<String, String> properties;
    private final SchemaEvolution schemaEvolution;
    private final CleaningRules cleaning;
    /** Null: the job's default format. */
    private final LakeFormat format;

    /**
     * @param name the table, or null with {@code regex}
     * @param regex matched against the whole {@code db.table}, or null with {@code name}
     * @param namespace the lake namespace, or null for the job's default
     * @param lakeTable the lake table's name, or null for the source table's (only with {@code name})
     */
    public TableOptions(TableId name, Pattern regex, String namespace, String lakeTable, PartitionTransforms partitionBy,
            Map<String, String> properties, SchemaEvolution schemaEvolution, CleaningRules cleaning) {
        this(name, regex, namespace, lakeTable, partitionBy, properties, schemaEvolution, cleaning, null);
    }

    /** @param format the table's lake format, or null for the job's default ({@code lake.format}) */
    public TableOptions(TableId name, Pattern regex, String namespace, String lakeTable, PartitionTransforms partitionBy,
            Map<String, String> properties, SchemaEvolution schemaEvolution, CleaningRules cleaning, LakeFormat format) {
        if ((name == null) == (regex == null)) {
            throw new IllegalArgumentException("a table entry needs a name or a regex, not both");
        }
        if (lakeTable != null && regex != null) {
            throw new IllegalArgumentException("a lake table name applies to one table: give it with a name, not a regex");
        }
        this.name = name;
        this.regex = regex;
        this.namespace = namespace;
        this.lakeTable = lakeTable;
        this.partitionBy = Objects.requireNonNull(partitionBy);
        this.properties = Map.copyOf(properties);
        this.schemaEvolution = Objects.requireNonNull(schemaEvolution);
        this.cleaning = Objects.requireNonNull(cleaning);
        this.format = format;
    }

    /** The settings of a table no entry names: unpartitioned, no rules, the given schema-evolution mode. */
    static TableOptions defaults(SchemaEvolution schemaEvolution) {
        return new TableOptions(null, Pattern.compile(".*"), null, null, PartitionTransforms.parse(List.of()), Map.of(),
                schemaEvolution, CleaningRules.of(null, Map.of(), List.of()));
    }

    public boolean matches(TableId table) {
        return name != null ? name.equals(table) : regex.matcher(table.database() + "." + table.table()).matches();
    }

    /** The table this entry names, or null for a regex entry. */
    public TableId name() {
        return name;
    }

    public Pattern regex() {
        return regex;
    }

    String namespace() {
        return namespace;
    }

    String lakeTable(TableId source) {
        return lakeTable != null ? lakeTable : source.table();
    }

    public PartitionTransforms partitionBy() {
        return partitionBy;
    }

    public Map<String, String> properties() {
        return properties;
    }

    public SchemaEvolution schemaEvolution() {
        return schemaEvolution;
    }

    public CleaningRules cleaning() {
        return cleaning;
    }

    /** The format this entry sets, or null for the job's default. */
    public LakeFormat format() {
        return format;
    }

    @Override
    public String toString() {
        return name != null ? name.toString() : "/" + regex + "/";
    }
}
