package dev.changelake.jobs.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The property group that says which job an application runs ({@value #GROUP}, key {@value #JOB}), apart from the
 * job's own configuration groups, so that one application jar serves every job and each job keeps its own keys.
 * The MSF application's entry point, {@code deploy render} and {@code check --properties} share it.
 */
public final class ApplicationProperties {
    /** The group id; not a {@code pipeline.yaml} section. */
    public static final String GROUP = "application";
    /** The key in {@link #GROUP} naming the job, one of {@link Job}; default {@code changelog}. */
    public static final String JOB = "job";

    /** The jobs the application can run. */
    public enum Job {
        /** MySQL tables mirrored into the lake ({@code ChangelogJob}), configured as {@code pipeline.yaml}. */
        CHANGELOG
    }

    private final Job job;
    private final Map<String, Properties> jobGroups;

    private ApplicationProperties(Job job, Map<String, Properties> jobGroups) {
        this.job = job;
        this.jobGroups = jobGroups;
    }

    /** Takes the {@value #GROUP} group out of {@code groups}; refuses an unknown job or key, naming what is accepted. */
    public static ApplicationProperties split(String name, Map<String, Properties> groups) throws ConfigException {
        Map<String, Properties> rest = new LinkedHashMap<>(groups);
        Properties application = rest.remove(GROUP);
        Job job = Job.CHANGELOG;
        if (application != null) {
            for (String key : application.stringPropertyNames()) {
                if (!key.equals(JOB)) {
                    throw new ConfigException(name, List.of("group '" + GROUP + "', key '" + key + "': unknown; accepted: " + JOB));
                }
            }
            String value = application.getProperty(JOB);
            if (value != null) {
                try {
                    job = Job.valueOf(value.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, List.of("group '" + GROUP + "', key '" + JOB + "': '" + value
                            + "' is not one of " + String.join(", ", names())));
                }
            }
        }
        return new ApplicationProperties(job, rest);
    }

    private static List<String> names() {
        return java.util.Arrays.stream(Job.values()).map(j -> j.name().toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toList()); // Java 11 API: this class is in the MSF jar
    }

    public Job job() {
        return job;
    }

    /** The other groups: the job's configuration. */
    public Map<String, Properties> jobGroups() {
        return jobGroups;
    }
}
