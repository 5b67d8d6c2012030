package dev.changelake.bench.w1;

import dev.changelake.schema.Op;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Workload W1 (BENCHMARKS.md), deterministic from {@link W1Config#seed}: the {@code orders} table's initial rows as
 * Debezium's snapshot reads them ({@link #snapshot()}), then the change events ({@link #changes()}): inserts of new
 * ids, updates of existing ids drawn Zipf(s) by popularity rank, deletes of existing ids drawn uniformly.
 *
 * <p>Streaming and memory-bounded: events are made one at a time as the iterators are read, and the state is a few
 * int/long arrays over the ids ({@code ~20 bytes × (rows + inserts)}, about 40 MB for W1's 1M rows and 5M events), not the
 * rows or the events. Row values are a pure function of (seed, id, version), see {@link W1Row}.
 *
 * <p>Popularity: the existing ids sit in a dense array in a seeded random order; the update key of Zipf rank r is the
 * one at position r - 1, so the hot keys are spread over the id range. A new id joins at the end (cold); a deleted id's
 * place is taken by the last one. The Zipf draw is over the ids existing at that moment.
 *
 * <p>Not thread-safe; one generator per stream of events.
 */
public final class W1Generator {
    static final String BINLOG_FILE_PREFIX = "binlog.";
    /** Where the snapshot's binlog position is; streamed changes come after it. */
    static final long SNAPSHOT_BINLOG_POSITION = 328;
    private static final long FIRST_CHANGE_POSITION = 1_024;
    private static final long BINLOG_FILE_BYTES = 1L << 30; // max_binlog_size's default
    private static final long BYTES_PER_EVENT = 512;
    private static final long FIRST_GTID_SEQUENCE = 10;
    /** Snapshot rows are read ~20 µs apart; a change is processed ~3 ms after its commit. */
    private static final long SNAPSHOT_NANOS_PER_ROW = 20_000;
    private static final long PROCESSING_DELAY_NANOS = 3_000_000;

    private final W1Config config;
    private final UniformRandomProvider random;
    /** versions[id]: the version of the existing row id, -1 when it does not exist (deleted, or not yet inserted). */
    private int[] versions;
    /** live[0 .. liveCount): the existing ids by popularity rank; slot[id] is where id sits in it. */
    private int[] live;
    private int[] slot;
    private int liveCount;
    private int maxId;
    private boolean changesStarted;
    private long inserts;
    private long updates;
    private long deletes;

    public W1Generator(W1Config config) {
        if (config.rows + config.events >= Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("W1 ids are ints here: rows + events must stay below 2^31");
        }
        this.config = config;
        this.random = RandomSource.XO_RO_SHI_RO_128_PP.create(config.seed);
        int rows = (int) config.rows;
        int capacity = rows + 1 + (int) Math.min(config.events, 1 << 20);
        versions = new int[capacity];
        slot = new int[capacity];
        live = new int[capacity];
        Arrays.fill(versions, rows + 1, capacity, -1);
        versions[0] = -1;
        for (int i = 0; i < rows; i++) {
            live[i] = i + 1;
        }
        // Fisher-Yates with the workload's own generator: which ids are hot is part of the seeded workload.
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = live[i];
            live[i] = live[j];
            live[j] = t;
        }
        for (int i = 0; i < rows; i++) {
            slot[live[i]] = i;
        }
        liveCount = rows;
        maxId = rows;
    }

    public W1Config config() {
        return config;
    }

    /**
     * The initial rows as Debezium's initial snapshot emits them: {@code op=r}, ids ascending, all at version 0, the
     * first marked {@code snapshot=first}, the last {@code last}, the others {@code true}. Independent of
     * {@link #changes()}: may be read before, after or never.
     */
    public Iterator<W1Event> snapshot() {
        long rows = config.rows;
        long tsMillis = config.snapshotTime.toEpochMilli();
        long startNanos = Math.multiplyExact(tsMillis, 1_000_000L);
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < rows;
            }

            @Override
            public W1Event next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long i = next++;
                long id = i + 1;
                String marker = i == rows - 1 ? "last" : i == 0 ? "first" : "true";
                return new W1Event(i, Op.READ, id, null, W1Row.of(config.seed, id, 0), marker, 0, null,
                        binlogFile(1), SNAPSHOT_BINLOG_POSITION, 0, tsMillis,
                        startNanos + i * SNAPSHOT_NANOS_PER_ROW);
            }
        };
    }

    /**
     * The {@link W1Config#events} change events, made as they are read. Can be read once: it moves the table's state
     * forward ({@link #expectedRows()} then gives the final state).
     */
    public Iterator<W1Event> changes() {
        if (changesStarted) {
            throw new IllegalStateException("the change events of a W1Generator can be read once; make a new one");
        }
        changesStarted = true;
        long startMicros = Math.multiplyExact(config.changesStart.toEpochMilli(), 1000L);
        return new Iterator<>() {
            private long next;
            private long fileSequence = 1;
            private long position = FIRST_CHANGE_POSITION;

            @Override
            public boolean hasNext() {
                return next < config.events;
            }

            @Override
            public W1Event next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long n = next++;
                long commitMicros = startMicros + n * 1_000_000L / config.changesPerSecond;
                long sourceTsMillis = Math.floorDiv(commitMicros, 1_000_000L) * 1000L; // binlog: whole seconds
                long processedNanos = commitMicros * 1000L + PROCESSING_DELAY_NANOS
                        + Long.remainderUnsigned(W1Row.mix(n), 1_000_000L);
                String file = binlogFile(fileSequence);
                long pos = position;
                position += BYTES_PER_EVENT;
                if (position > BINLOG_FILE_BYTES) {
                    fileSequence++;
                    position = FIRST_CHANGE_POSITION;
                }
                String gtid = "0-1-" + (FIRST_GTID_SEQUENCE + n);
                double u = random.nextDouble();
                if (liveCount == 0 || u < config.insertShare) {
                    int id = insert();
                    return new W1Event(n, Op.CREATE, id, null, W1Row.of(config.seed, id, 0), "false", 1, gtid, file,
                            pos, 0, sourceTsMillis, processedNanos);
                }
                if (u < config.insertShare + config.updateShare) {
                    int rank = RejectionInversionZipfSampler.of(random, liveCount, config.zipfExponent).sample();
                    int id = live[rank - 1];
                    int v = versions[id]++;
                    updates++;
                    return new W1Event(n, Op.UPDATE, id, W1Row.of(config.seed, id, v), W1Row.of(config.seed, id, v + 1),
                            "false", 1, gtid, file, pos, 0, sourceTsMillis, processedNanos);
                }
                int id = live[random.nextInt(liveCount)];
                W1Row before = W1Row.of(config.seed, id, versions[id]);
                delete(id);
                return new W1Event(n, Op.DELETE, id, before, null, "false", 1, gtid, file, pos, 0, sourceTsMillis,
                        processedNanos);
            }
        };
    }

    private int insert() {
        int id = ++maxId;
        if (id >= versions.length) {
            int capacity = Math.max(id + 1, (int) Math.min(Integer.MAX_VALUE - 8, versions.length * 2L));
            int old = versions.length;
            versions = Arrays.copyOf(versions, capacity);
            Arrays.fill(versions, old, capacity, -1);
            slot = Arrays.copyOf(slot, capacity);
            live = Arrays.copyOf(live, capacity);
        }
        versions[id] = 0;
        live[liveCount] = id;
        slot[id] = liveCount++;
        inserts++;
        return id;
    }

    private void delete(int id) {
        int at = slot[id];
        int last = live[--liveCount];
        live[at] = last;
        slot[last] = at;
        versions[id] = -1;
        deletes++;
    }

    static String binlogFile(long sequence) {
        return BINLOG_FILE_PREFIX + String.format(java.util.Locale.ROOT, "%06d", sequence);
    }

    /** How many rows the table has now (after the change events read so far). */
    public long rowCount() {
        return liveCount;
    }

    public long inserts() {
        return inserts;
    }

    public long updates() {
        return updates;
    }

    public long deletes() {
        return deletes;
    }

    /** The current version of row {@code id}, or -1 when it does not exist. */
    public int versionOf(long id) {
        return id < 1 || id >= versions.length ? -1 : versions[(int) id];
    }

    /**
     * The table as it is after the change events read so far, ids ascending: what the lake table must hold once the
     * backlog is committed. Lazy; do not read more change events while iterating.
     */
    public Iterator<W1Row> expectedRows() {
        return new Iterator<>() {
            private int id = advance(0);

            private int advance(int from) {
                int i = from + 1;
                while (i <= maxId && versions[i] < 0) {
                    i++;
                }
                return i;
            }

            @Override
            public boolean hasNext() {
                return id <= maxId;
            }

            @Override
            public W1Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                W1Row row = W1Row.of(config.seed, id, versions[id]);
                id = advance(id);
                return row;
            }
        };
    }
}
