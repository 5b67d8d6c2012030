package dev.changelake.jobs.changelog;

/** The table format(s) a source table is mirrored to. */
public enum LakeFormat {
    ICEBERG,
    DELTA,
    /** Both, from the same changes: two mirrors of one table, each committed exactly once. */
    BOTH;

    public boolean iceberg() {
        return this != DELTA;
    }

    public boolean delta() {
        return this != ICEBERG;
    }
}
