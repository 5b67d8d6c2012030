package dev.changelake.jobs.config;

import java.util.List;

/** A configuration that must not start: every problem, each naming the YAML path, the bad value and what is accepted. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(String file, List<String> problems) {
        super(file + " is not a valid pipeline configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
