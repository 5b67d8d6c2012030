package dev.changelake.jobs.changelog;

import dev.changelake.schema.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change topics the job is to read, checked at start against the topics Kafka has ({@code
 * source.kafka.missing-topics}). The job subscribes by one pattern, so a topic created later is always picked up by
 * topic discovery; {@code wait} relies on that and starts at once, {@code fail} refuses to start while a named table's
 * topic, or every topic of a database or regex entry, is missing: the usual cause is a capture that is not running or
 * a wrong topic prefix, and a job that silently reads nothing hides both.
 */
final class ChangeTopics {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeTopics.class);
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(30);

    private ChangeTopics() {
    }

    /**
     * With {@code fail}: throws when topics are missing or Kafka does not answer; with {@code wait}: logs what it
     * waits for (or that Kafka did not answer: the source retries on its own).
     */
    static void check(ChangelogJobOptions options) {
        if (options.missingTopics() == ChangelogJobOptions.MissingTopics.WAIT) {
            try {
                List<String> missing = missing(options, existingTopics(options));
                if (!missing.isEmpty()) {
                    LOG.info("waiting for change topics on Kafka {} (source.kafka.missing-topics: wait), read within {} "
                            + "of their creation: {}", options.bootstrapServers(), options.topicDiscoveryInterval,
                            String.join("; ", missing));
                }
            } catch (IllegalStateException e) {
                LOG.warn("{}; starting anyway (source.kafka.missing-topics: wait)", e.getMessage());
            }
            return;
        }
        List<String> missing = missing(options, existingTopics(options));
        if (!missing.isEmpty()) {
            throw new IllegalStateException("change topics missing on Kafka " + options.bootstrapServers() + ": "
                    + String.join("; ", missing) + ". Debezium creates a table's topic <prefix>.<db>.<table> with its "
                    + "first change: check that the capture runs and that source.topic-prefix ('" + options.topicPrefix()
                    + "') and the table names are right, or set source.kafka.missing-topics: wait to start anyway and "
                    + "pick the topics up when they appear.");
        }
        LOG.info("every change topic the job reads exists on Kafka {}", options.bootstrapServers());
    }

    /** What is missing, one entry per named table, database or regex entry without a topic. */
    static List<String> missing(ChangelogJobOptions options, Set<String> topics) {
        List<String> missing = new ArrayList<>();
        List<TableId> named = new ArrayList<>(options.tables());
        for (TableOptions t : options.tableOptions()) {
            if (t.name() != null) {
                named.add(t.name());
            } else {
                Pattern p = Pattern.compile(Pattern.quote(options.topicPrefix()) + "\\.(?:" + t.regex().pattern() + ")");
                if (topics.stream().noneMatch(topic -> p.matcher(topic).matches())) {
                    missing.add("no topic matches " + p.pattern() + " (tables entry regex " + t.regex().pattern() + ")");
                }
            }
        }
        for (TableId table : named) {
            String topic = options.topicOf(table);
            if (!topics.contains(topic) && !missing.contains("topic " + topic + " (table " + table + ")")) {
                missing.add("topic " + topic + " (table " + table + ")");
            }
        }
        for (String db : options.databases()) {
            Pattern p = Pattern.compile(Pattern.quote(options.topicPrefix() + "." + db) + "\\.[^.]+");
            if (topics.stream().noneMatch(topic -> p.matcher(topic).matches())) {
                missing.add("no topic matches " + p.pattern() + " (database " + db + ")");
            }
        }
        return missing;
    }

    private static Set<String> existingTopics(ChangelogJobOptions options) {
        Properties p = new Properties();
        p.putAll(options.kafkaProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(LIST_TIMEOUT.toMillis()));
        try (Admin admin = Admin.create(p)) {
            return admin.listTopics().names().get(LIST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka " + options.bootstrapServers() + " did not list its topics within "
                    + LIST_TIMEOUT.toSeconds() + " s (" + (e.getCause() != null ? e.getCause() : e) + "): check "
                    + "source.kafka.bootstrap-servers and source.kafka.security / properties in pipeline.yaml, and that "
                    + "the brokers are reachable from the job", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the topics of Kafka " + options.bootstrapServers(), e);
        }
    }
}
