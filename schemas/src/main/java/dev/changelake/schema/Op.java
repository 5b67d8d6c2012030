package dev.changelake.schema;

/** What a change did, as Debezium's {@code op} field says it. */
public enum Op {
    /** A row read by the initial (or an incremental) snapshot. */
    READ("r"),
    CREATE("c"),
    UPDATE("u"),
    DELETE("d"),
    TRUNCATE("t");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** True when the change leaves a row image behind (snapshot read, insert, update). */
    public boolean hasAfterImage() {
        return this == READ || this == CREATE || this == UPDATE;
    }

    private static final Op[] OPS = values(); // values() copies the array on every call

    public static Op fromCode(String code) {
        for (Op op : OPS) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown Debezium op '" + code + "'; expected one of r, c, u, d, t");
    }
}
