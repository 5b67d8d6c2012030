package dev.changelake.lake.iceberg;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/**
 * A table's partitioning as users write it in {@code pipeline.yaml}, in Iceberg's transform names (as in Spark's
 * {@code PARTITIONED BY}): {@code id} or {@code identity(id)}, {@code bucket(16, id)}, {@code truncate(4, name)},
 * {@code years(ts)}, {@code months(ts)}, {@code days(ts)}, {@code hours(ts)}. Checked for form when the
 * configuration loads, and against the table's columns when the table is created.
 */
public final class PartitionTransforms implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern FORM = Pattern.compile(
            "\\s*(?:(identity|years|months|days|hours)\\s*\\(\\s*([^,()\\s]+)\\s*\\)"
                    + "|(bucket|truncate)\\s*\\(\\s*(\\d+)\\s*,\\s*([^,()\\s]+)\\s*\\)"
                    + "|([^,()\\s]+))\\s*", Pattern.CASE_INSENSITIVE);
    static final String ACCEPTED = "a column name, identity(col), bucket(N, col), truncate(N, col), years(col), "
            + "months(col), days(col) or hours(col)";

    private final List<String> fields;

    private PartitionTransforms(List<String> fields) {
        this.fields = List.copyOf(fields);
    }

    /** @throws IllegalArgumentException naming the first field that is not a transform and what is accepted */
    public static PartitionTransforms parse(List<String> fields) {
        for (String f : fields) {
            if (f == null || !FORM.matcher(f).matches()) {
                throw new IllegalArgumentException("'" + f + "' is not a partition transform; accepted: " + ACCEPTED);
            }
        }
        return new PartitionTransforms(fields);
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** The source columns the transforms read. */
    public List<String> sourceColumns() {
        return fields.stream().map(f -> {
            Matcher m = matcher(f);
            return m.group(2) != null ? m.group(2) : m.group(5) != null ? m.group(5) : m.group(6);
        }).collect(Collectors.collectingAndThen(Collectors.toList(), Collections::unmodifiableList));
    }

    /**
     * The columns, when every field is a plain column or {@code identity(col)}: Delta partitions by column values
     * only. @throws IllegalArgumentException naming the first transform Delta has no equivalent for
     */
    public List<String> identityColumns() {
        java.util.List<String> columns = new java.util.ArrayList<>();
        for (String f : fields) {
            Matcher m = matcher(f);
            if (m.group(6) != null) {
                columns.add(m.group(6));
            } else if (m.group(1) != null && "identity".equalsIgnoreCase(m.group(1))) {
                columns.add(m.group(2));
            } else {
                throw new IllegalArgumentException("partition field '" + f + "' is an Iceberg transform; Delta tables "
                        + "are partitioned by column values: name key columns, e.g. partition-by: [tenant_id]");
            }
        }
        return columns;
    }

    /** @throws IllegalArgumentException when a column is unknown or a transform does not fit its type */
    public PartitionSpec toSpec(Schema schema) {
        PartitionSpec.Builder b = PartitionSpec.builderFor(schema);
        for (String f : fields) {
            Matcher m = matcher(f);
            try {
                if (m.group(6) != null) {
                    b.identity(m.group(6));
                } else if (m.group(1) != null) {
                    String col = m.group(2);
                    switch (m.group(1).toLowerCase(Locale.ROOT)) {
                        case "identity": b.identity(col); break;
                        case "years": b.year(col); break;
                        case "months": b.month(col); break;
                        case "days": b.day(col); break;
                        default: b.hour(col); break;
                    }
                } else {
                    int n = Integer.parseInt(m.group(4));
                    if ("bucket".equalsIgnoreCase(m.group(3))) {
                        b.bucket(m.group(5), n);
                    } else {
                        b.truncate(m.group(5), n);
                    }
                }
            } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
                throw new IllegalArgumentException("partition field '" + f + "': " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static Matcher matcher(String f) {
        Matcher m = FORM.matcher(f);
        if (!m.matches()) {
            throw new IllegalStateException(f); // parse() checked the form
        }
        return m;
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
