package dev.changelake.deploy.cli;

import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.config.Pipeline;
import dev.changelake.jobs.config.PipelineConfigLoader;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.jobs.changelog.LakeFormat;
import dev.changelake.lake.verify.MirrorVerifier;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import java.io.Closeable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import dev.changelake.jobs.changelog.TableResolver;
import dev.changelake.jobs.clean.CleaningRules;
import dev.changelake.jobs.clean.CleaningTransform;
import dev.changelake.lake.verify.RowTransform;
import dev.changelake.schema.TableSchema;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code changelake verify}: compares MySQL tables with their lake tables, key by key. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares each MySQL table of the pipeline with its lake table by primary key and normalized "
                + "column values; prints a line per table, up to 20 differing keys with their columns, and last",
                "'verify: OK <tables> tables, <rows> rows' or 'verify: FAILED …'. Exit 0 when all match, 1 when not, "
                        + "2 for a bad configuration."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "The pipeline.yaml.")
    Path config;

    @Option(names = "--table", description = "Only this table, <db>.<table>; repeatable. Default: every mirrored table.")
    List<String> tables = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Pipeline pipeline = new PipelineConfigLoader().load(config); // a ConfigException ends it with status 2
        ChangelogJobOptions options = pipeline.jobOptions();
        Catalog catalog = LakeCatalogs.open(pipeline.catalog());
        try {
            List<MirrorVerifier.Target> targets = new ArrayList<>();
            Map<TableId, RowTransform> transforms = new LinkedHashMap<>();
            // Tables with entries (rules, regexes) are found, with their source schemas, from their change topics.
            Map<TableId, TableSchema> sources = options.tableOptions().isEmpty() ? Map.of()
                    : new TableResolver(options, pipeline.decoder()).resolve();
            List<TableId> compared = tablesToCompare(options, catalog);
            sources.keySet().stream().filter(t -> tables.isEmpty() && !compared.contains(t)).forEach(compared::add);
            boolean delta = false;
            for (TableId t : compared) {
                LakeFormat format = options.formatOf(t);
                if (format.iceberg()) {
                    targets.add(MirrorVerifier.Target.iceberg(t, options.lakeTableOf(t)));
                }
                if (format.delta()) {
                    targets.add(MirrorVerifier.Target.delta(t, options.deltaPathOf(t)));
                    delta = true;
                }
                CleaningRules rules = options.optionsFor(t).cleaning();
                if (!rules.isEmpty() && sources.containsKey(t)) {
                    transforms.put(t, new CleaningTransform(sources.get(t), rules));
                }
            }
            MirrorVerifier verifier = new MirrorVerifier(pipeline.sourceJdbcUrl(), pipeline.sourceUser(),
                    pipeline.sourcePassword(), catalog);
            if (delta) {
                verifier.withDelta(options.delta().engine(options.catalog()));
            }
            VerifyReport report = verifier.verifyTargets(targets, transforms);
            out.print(report.details());
            out.println(report.summaryLine());
            out.flush();
            return report.ok() ? 0 : 1;
        } finally {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        }
    }

    /** --table, else the configured tables and every lake table of a configured database's namespace. */
    private List<TableId> tablesToCompare(ChangelogJobOptions options, Catalog catalog) {
        List<TableId> result = new ArrayList<>();
        if (!tables.isEmpty()) {
            tables.forEach(t -> result.add(TableId.parse(t)));
            return result;
        }
        result.addAll(options.tables());
        for (String db : options.databases()) {
            String namespace = options.namespaceOf(new TableId(db, "_"));
            List<String> names = new ArrayList<>();
            if (options.formatOf(new TableId(db, "_")).iceberg()) {
                catalog.listTables(Namespace.of(namespace)).forEach(lake -> names.add(lake.name()));
            }
            if (options.formatOf(new TableId(db, "_")).delta()) {
                names.addAll(options.delta().listTables(options.catalog(), namespace));
            }
            for (String name : names) {
                TableId t = new TableId(db, name);
                if (!result.contains(t)) {
                    result.add(t);
                }
            }
        }
        return result;
    }
}
