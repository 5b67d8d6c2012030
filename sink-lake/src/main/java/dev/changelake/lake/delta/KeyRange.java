package dev.changelake.lake.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The min and max of a file's leading key column, from its Delta statistics: whether the file may hold a key.
 * "May": statistics are bounds, so a key inside them is a candidate the rewrite then checks row by row; a key
 * outside them is certainly not in the file. Types whose statistics are lossy here (timestamps, truncated to
 * milliseconds; binary) or missing statistics make every key a candidate.
 */
final class KeyRange {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Delta writers may cut string statistics to a prefix (Spark: 32 characters). */
    private static final int STRING_PREFIX = 32;

    static final KeyRange UNKNOWN = new KeyRange(null, null, null);

    private final DataType type;
    private final Object min;
    private final Object max;

    private KeyRange(DataType type, Object min, Object max) {
        this.type = type;
        this.min = min;
        this.max = max;
    }

    static KeyRange fromStats(String statsJson, String physicalName, DataType type) {
        if (statsJson == null) {
            return UNKNOWN;
        }
        try {
            JsonNode stats = JSON.readTree(statsJson);
            JsonNode min = stats.path("minValues").get(physicalName);
            JsonNode max = stats.path("maxValues").get(physicalName);
            if (min == null || max == null || min.isNull() || max.isNull()) {
                return UNKNOWN;
            }
            Object lo = value(min, type);
            Object hi = value(max, type);
            return lo == null || hi == null ? UNKNOWN : new KeyRange(type, lo, hi);
        } catch (IOException e) {
            throw new UncheckedIOException("statistics are not JSON: " + statsJson, e);
        }
    }

    private static Object value(JsonNode v, DataType type) {
        if (type instanceof IntegerType || type instanceof LongType) {
            return v.isIntegralNumber() ? v.longValue() : null;
        } else if (type instanceof DecimalType) {
            return v.isNumber() ? v.decimalValue() : null;
        } else if (type instanceof DateType) {
            return v.isTextual() ? LocalDate.parse(v.textValue()).toEpochDay() : null;
        } else if (type instanceof StringType) {
            return v.isTextual() ? v.textValue().getBytes(StandardCharsets.UTF_8) : null;
        }
        return null;
    }

    /** Whether a row with this leading key value (canonical) may be in the file. */
    boolean mayContain(Object key) {
        if (type == null || key == null) {
            return true;
        }
        if (type instanceof IntegerType || type instanceof LongType) {
            long k = ((Number) key).longValue();
            return k >= (Long) min && k <= (Long) max;
        } else if (type instanceof DecimalType) {
            BigDecimal k = (BigDecimal) key;
            return k.compareTo((BigDecimal) min) >= 0 && k.compareTo((BigDecimal) max) <= 0;
        } else if (type instanceof DateType) {
            long k = ((Integer) key).longValue();
            return k >= (Long) min && k <= (Long) max;
        } else {
            // Parquet orders strings by unsigned UTF-8 bytes, which is not String.compareTo's order.
            byte[] k = ((String) key).getBytes(StandardCharsets.UTF_8);
            byte[] lo = (byte[]) min;
            byte[] hi = (byte[]) max;
            if (Arrays.compareUnsigned(k, lo) < 0) {
                return false; // a cut min is a prefix of the true min, so still a lower bound
            }
            // A cut max is a prefix of the true max: anything between it and the true max starts with it.
            return Arrays.compareUnsigned(k, hi) <= 0
                    || (new String(hi, StandardCharsets.UTF_8).length() >= STRING_PREFIX && startsWith(k, hi));
        }
    }

    /** Whether the file may hold values in [low, high) of a numeric column; true when unknown. */
    boolean mayOverlap(Object low, Object high) {
        if (!(min instanceof Long) || !integralOrNull(low) || !integralOrNull(high)) {
            return true;
        }
        return (high == null || (Long) min < ((Number) high).longValue())
                && (low == null || (Long) max >= ((Number) low).longValue());
    }

    private static boolean integralOrNull(Object v) {
        return v == null || v instanceof Long || v instanceof Integer;
    }

    private static boolean startsWith(byte[] k, byte[] prefix) {
        return k.length >= prefix.length && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
    }
}
