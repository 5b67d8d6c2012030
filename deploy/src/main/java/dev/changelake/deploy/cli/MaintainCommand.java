package dev.changelake.deploy.cli;

import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.config.Pipeline;
import dev.changelake.jobs.config.PipelineConfigLoader;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.lake.maintain.LakeMaintenance;
import dev.changelake.lake.maintain.MaintenanceOptions;
import java.io.Closeable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code changelake maintain}: a maintenance pass over the pipeline's lake tables (see {@link LakeMaintenance}), once
 * or every {@code lake.maintenance.interval}. It runs beside the job: everything it commits is safe against the
 * job's concurrent commits and restores.
 */
@Command(name = "maintain", mixinStandardHelpOptions = true,
        description = {"Maintains the pipeline's lake tables beside the running job, as lake.maintenance configures: "
                + "Iceberg compaction (deletes applied), removal of unused delete files, manifest rewrite, snapshot "
                + "expiry (keeping what a Flink restore needs) and orphan file removal; Delta log checkpoint and vacuum.",
                "Prints a line per table. Exit 0 when every table was maintained, 1 when one failed, 2 for a bad "
                        + "configuration."})
final class MaintainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "The pipeline.yaml.")
    Path config;

    @Option(names = "--table", description = "Only this lake table, <namespace>.<table>; repeatable. Default: every "
            + "table in the pipeline's lake namespaces.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--every", description = "Keep running: a pass every lake.maintenance.interval, until stopped.")
    boolean every;

    @Option(names = "--parallelism", description = "Parallelism of compaction's Flink job; default ${DEFAULT-VALUE}.")
    int parallelism = 1;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Pipeline pipeline = new PipelineConfigLoader().load(config); // a ConfigException ends it with status 2
        MaintenanceOptions options = pipeline.maintenance();
        if (!options.enabled()) {
            out.println("maintain: lake.maintenance.enabled is false; nothing done");
            out.flush();
            return 0;
        }
        ChangelogJobOptions job = pipeline.jobOptions();
        Catalog catalog = LakeCatalogs.open(pipeline.catalog());
        try {
            LakeMaintenance maintenance = new LakeMaintenance(catalog, options, () -> LakeMaintenance.localFlink(parallelism),
                    job.delta(), job.catalog());
            boolean failed;
            do {
                List<String> lines = maintenance.run(icebergTables(job, catalog), deltaTables(job), System.currentTimeMillis());
                lines.forEach(out::println);
                failed = lines.stream().anyMatch(l -> l.contains(": FAILED "));
                out.println("maintain: " + lines.size() + " tables" + (failed ? ", some FAILED" : ""));
                out.flush();
                if (every) {
                    TimeUnit.MILLISECONDS.sleep(options.interval().toMillis());
                }
            } while (every);
            return failed ? 1 : 0;
        } finally {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        }
    }

    private List<TableIdentifier> icebergTables(ChangelogJobOptions job, Catalog catalog) {
        List<TableIdentifier> result = new ArrayList<>();
        if (!tables.isEmpty()) {
            tables.stream().map(TableIdentifier::parse).filter(catalog::tableExists).forEach(result::add);
            return result;
        }
        for (String ns : job.lakeNamespaces()) {
            Namespace namespace = Namespace.of(ns);
            if (!(catalog instanceof SupportsNamespaces) || ((SupportsNamespaces) catalog).namespaceExists(namespace)) {
                result.addAll(catalog.listTables(namespace));
            }
        }
        return result;
    }

    private List<String> deltaTables(ChangelogJobOptions job) {
        List<String> result = new ArrayList<>();
        for (String ns : job.lakeNamespaces()) {
            for (String name : job.delta().listTables(job.catalog(), ns)) {
                if (tables.isEmpty() || tables.contains(ns + "." + name)) {
                    result.add(job.delta().tablePath(ns, name));
                }
            }
        }
        return result;
    }
}
