package dev.changelake.lake.maintain;

import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.delta.DeltaMaintenance;
import dev.changelake.lake.delta.DeltaOptions;
import io.delta.kernel.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One maintenance pass over a pipeline's lake tables: {@link IcebergMaintenance} for each Iceberg table, a log
 * checkpoint and vacuum ({@link DeltaMaintenance}) for each Delta table. A table whose maintenance fails is reported
 * and the pass goes on with the next one: the next pass tries it again.
 */
public final class LakeMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(LakeMaintenance.class);

    private final Catalog catalog;
    private final MaintenanceOptions options;
    private final Supplier<StreamExecutionEnvironment> flink;
    private final DeltaOptions delta;
    private final CatalogOptions catalogOptions;

    /**
     * @param flink where compaction runs its bounded Flink job (a local environment in the command)
     * @param delta the Delta tables' settings (vacuum retention, file system), with {@code catalogOptions}'s S3 settings
     */
    public LakeMaintenance(Catalog catalog, MaintenanceOptions options, Supplier<StreamExecutionEnvironment> flink,
            DeltaOptions delta, CatalogOptions catalogOptions) {
        this.catalog = catalog;
        this.options = options;
        this.flink = flink;
        this.delta = delta;
        this.catalogOptions = catalogOptions;
    }

    /** A Flink environment in this JVM for compaction's bounded job (the command's, and tests'). */
    public static StreamExecutionEnvironment localFlink(int parallelism) {
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        // The caller reads the table again after the job; Flink's leak check would close the class loader it used.
        conf.set(org.apache.flink.configuration.CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** Maintains each table; returns a line per table saying what was done, or why not. */
    public List<String> run(List<TableIdentifier> icebergTables, List<String> deltaTables, long nowMillis) {
        List<String> lines = new ArrayList<>();
        for (TableIdentifier id : icebergTables) {
            try {
                lines.add("iceberg " + id + ": " + IcebergMaintenance.maintain(catalog.loadTable(id), options, flink, nowMillis));
            } catch (RuntimeException e) {
                LOG.warn("maintenance of Iceberg table {} failed; the next pass tries again", id, e);
                lines.add("iceberg " + id + ": FAILED " + e);
            }
        }
        if (!deltaTables.isEmpty()) {
            Engine engine = delta.engine(catalogOptions);
            org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
            delta.hadoopConf(catalogOptions).forEach(conf::set);
            for (String path : deltaTables) {
                try {
                    boolean checkpointed = DeltaMaintenance.checkpoint(engine, conf, path);
                    int vacuumed = DeltaMaintenance.vacuum(engine, conf, path, delta.vacuumRetention(), nowMillis);
                    lines.add("delta " + path + ": " + (checkpointed ? "log checkpoint written" : "log checkpoint current")
                            + ", vacuum deleted " + vacuumed + " files");
                } catch (RuntimeException e) {
                    LOG.warn("maintenance of Delta table {} failed; the next pass tries again", path, e);
                    lines.add("delta " + path + ": FAILED " + e);
                }
            }
        }
        return lines;
    }
}
