package dev.changelake.bench.harness;

import dev.changelake.bench.w1.W1Generator;
import dev.changelake.bench.w1.W1Row;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Compares a lake table with the table W1's generator says must exist after the backlog: every key once, no deleted
 * key back, every column's value equal. Column values are compared in one canonical form (numbers, unscaled cents,
 * epoch microseconds, the bit field as an int), so ours' typed columns and B1's BYTES/BIGINT stand-ins compare alike.
 */
final class LakeCheck {
    static final List<String> COLUMNS = List.of("id", "customer_id", "status", "amount", "currency", "created_at",
            "updated_at", "note", "flags", "attrs", "qty", "weight", "is_gift");

    /** The outcome: OK when nothing is missing, extra, duplicated or different. */
    static final class Outcome {
        final long rows;
        final long missing;
        final long extra;
        final long duplicates;
        final long different;
        final String firstProblem;

        Outcome(long rows, long missing, long extra, long duplicates, long different, String firstProblem) {
            this.rows = rows;
            this.missing = missing;
            this.extra = extra;
            this.duplicates = duplicates;
            this.different = different;
            this.firstProblem = firstProblem;
        }

        boolean ok() {
            return missing == 0 && extra == 0 && duplicates == 0 && different == 0;
        }

        @Override
        public String toString() {
            return ok() ? String.format("OK (%,d rows)", rows)
                    : String.format("DIFFERS: %,d rows read, %,d missing, %,d extra, %,d duplicated, %,d different; first: %s",
                            rows, missing, extra, duplicates, different, firstProblem);
        }
    }

    private LakeCheck() {
    }

    static Outcome check(Table table, W1Generator expected, long seed) throws java.io.IOException {
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            // The same comparison for every format: a row is its column getter. Streamed, not held: 1.5M rows.
            Iterable<java.util.function.Function<String, Object>> rows = () -> {
                Iterator<Record> it = records.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public java.util.function.Function<String, Object> next() {
                        return it.next()::getField;
                    }
                };
            };
            return check(rows, expected, seed);
        }
    }

    /** The Delta table's rows (canonical values: micros, BigDecimal, …) against the generator. */
    static Outcome checkDelta(io.delta.kernel.engine.Engine engine, String table, W1Generator expected, long seed) {
        List<java.util.function.Function<String, Object>> rows = new java.util.ArrayList<>();
        for (java.util.Map<String, Object> r : dev.changelake.lake.delta.DeltaFiles.readAll(engine, table)) {
            rows.add(r::get);
        }
        return check(rows, expected, seed);
    }

    private static Outcome check(Iterable<java.util.function.Function<String, Object>> records, W1Generator expected,
            long seed) {
        BitSet seen = new BitSet();
        long rows = 0;
        long extra = 0;
        long duplicates = 0;
        long different = 0;
        String first = null;
        {
            for (java.util.function.Function<String, Object> r : records) {
                rows++;
                long id = ((Number) r.apply("id")).longValue();
                int version = expected.versionOf(id);
                if (version < 0) {
                    extra++;
                    first = first != null ? first : "id " + id + " is in the lake but not in the source";
                    continue;
                }
                if (seen.get((int) id)) {
                    duplicates++;
                    first = first != null ? first : "id " + id + " is in the lake twice";
                    continue;
                }
                seen.set((int) id);
                String want = canonical(W1Row.of(seed, id, version));
                String got = canonical(r);
                if (!want.equals(got)) {
                    different++;
                    first = first != null ? first : "id " + id + ": expected " + want + ", lake has " + got;
                }
            }
        }
        long missing = 0;
        for (Iterator<W1Row> it = expected.expectedRows(); it.hasNext();) {
            W1Row row = it.next();
            if (!seen.get((int) row.id)) {
                missing++;
                first = first != null ? first : "id " + row.id + " is missing from the lake";
            }
        }
        return new Outcome(rows, missing, extra, duplicates, different, first);
    }

    static String canonical(W1Row w) {
        return String.join("|", String.valueOf(w.id), String.valueOf(w.customerId), w.status,
                String.valueOf(w.amountCents), w.currency, String.valueOf(w.createdAtMicros),
                String.valueOf(w.updatedAtMicros), Objects.toString(w.note), String.valueOf(w.flags),
                Objects.toString(w.attrs), String.valueOf(w.qty), Objects.toString(w.weight), String.valueOf(w.isGift));
    }

    static String canonical(Record r) {
        return canonical((java.util.function.Function<String, Object>) r::getField);
    }

    static String canonical(java.util.function.Function<String, Object> r) {
        return String.join("|", integer(r.apply("id")), integer(r.apply("customer_id")), text(r.apply("status")),
                cents(r.apply("amount")), text(r.apply("currency")), micros(r.apply("created_at")),
                micros(r.apply("updated_at")), text(r.apply("note")), bits(r.apply("flags")),
                text(r.apply("attrs")), integer(r.apply("qty")), Objects.toString(r.apply("weight")),
                integer(r.apply("is_gift")));
    }

    private static String integer(Object v) {
        if (v instanceof Boolean) {
            return (Boolean) v ? "1" : "0";
        }
        return v == null ? "null" : String.valueOf(((Number) v).longValue());
    }

    private static String text(Object v) {
        return v == null ? "null" : v.toString();
    }

    /** DECIMAL(12,2) as its unscaled value; B1 keeps Debezium's bytes of the unscaled value. */
    private static String cents(Object v) {
        if (v instanceof BigDecimal) {
            return ((BigDecimal) v).setScale(2).unscaledValue().toString();
        }
        return v == null ? "null" : new BigInteger(bytes(v)).toString();
    }

    private static String micros(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number) {
            return String.valueOf(((Number) v).longValue());
        }
        Instant t;
        if (v instanceof LocalDateTime) {
            t = ((LocalDateTime) v).toInstant(ZoneOffset.UTC);
        } else if (v instanceof OffsetDateTime) {
            t = ((OffsetDateTime) v).toInstant();
        } else {
            t = Instant.parse(v.toString());
        }
        return String.valueOf(ChronoUnit.MICROS.between(Instant.EPOCH, t));
    }

    /** BIT(8): Debezium's Bits are little-endian bytes. */
    private static String bits(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number) {
            return String.valueOf(((Number) v).intValue());
        }
        byte[] b = bytes(v);
        int value = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            value = (value << 8) | (b[i] & 0xff);
        }
        return String.valueOf(value);
    }

    private static byte[] bytes(Object v) {
        if (v instanceof byte[]) {
            return (byte[]) v;
        }
        ByteBuffer b = ((ByteBuffer) v).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
