package dev.changelake.jobs.clean;

import java.util.List;

/**
 * Cleaning rules that cannot be compiled for a table, or a row they cannot be evaluated on.
 *
 * <p>Unchecked, because {@link CompiledRules#apply} throws it from inside Flink functions, where a row that fails
 * goes to the dead letters; {@link CleaningRules#compile} still declares it. Each problem names the rule
 * ({@code filter} or {@code columns.<name>}) and never holds a row's values: messages end up in logs and dead-letter
 * headers, and the values are what the rules exist to protect. For the same reason an evaluation error carries no
 * cause (the JDK's messages quote the value, e.g. {@code For input string: "…"}), only its type.
 */
public final class CleaningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    CleaningException(String problem) {
        this(List.of(problem));
    }

    CleaningException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0) : String.join("\n  - ", prepend(problems)));
        this.problems = List.copyOf(problems);
    }

    /** One message per problem, each naming its rule. */
    public List<String> problems() {
        return problems;
    }

    private static List<String> prepend(List<String> problems) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(problems.size() + " problems in the cleaning rules:");
        lines.addAll(problems);
        return lines;
    }
}
