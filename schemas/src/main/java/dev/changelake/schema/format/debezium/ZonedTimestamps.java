package dev.changelake.schema.format.debezium;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Debezium's {@code io.debezium.time.ZonedTimestamp} text to microseconds since the epoch, without a
 * {@code DateTimeFormatter} per value. The forms Debezium writes ({@code 2024-01-01T10:00:00Z},
 * {@code 2024-01-01T10:00:00.5Z} from a snapshot, {@code 2024-01-01T10:00:00.500000Z} from the binlog, and the same
 * with an offset {@code +02:00} or {@code -05:30:15}) are read here directly; anything else (no seconds, a signed or
 * five-digit year, lower-case letters, a value out of range, epoch second 0) goes to {@code OffsetDateTime.parse},
 * which accepts or rejects it exactly as before. What the fast path accepts it reads to the same instant as
 * {@code OffsetDateTime.parse(text).toInstant()}.
 */
final class ZonedTimestamps {
    /** Returned by {@link #fastMicros} for text it leaves to the formatter. No ZonedTimestamp of years 0-9999 is it. */
    static final long NOT_FAST = Long.MIN_VALUE;

    private static final long DAYS_0000_TO_1970 = (146097 * 5L) - (30L * 365L + 7L); // as java.time.LocalDate
    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private ZonedTimestamps() {
    }

    /** The instant as {@code OffsetDateTime.parse(text).toInstant()} gives it; for the fallback and the tests. */
    static Instant parseInstant(String text) {
        return OffsetDateTime.parse(text).toInstant();
    }

    /**
     * The microseconds since the epoch (the nanoseconds truncated, as {@code getNano() / 1000}) of a ZonedTimestamp in
     * one of the forms described above whose epoch second is not 0, or {@link #NOT_FAST}.
     */
    static long fastMicros(String s) {
        int n = s.length();
        // yyyy-MM-ddTHH:mm:ss is 19 characters; then an optional fraction, then Z or an offset.
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return NOT_FAST;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1
                || day > lengthOfMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
            return NOT_FAST;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                i++;
            }
            int width = i - start;
            if (width == 0 || (i < n && isDigit(s.charAt(i)))) {
                return NOT_FAST; // "ss." or more than 9 digits
            }
            nanos = digits(s, start, width) * POW10[9 - width];
        }
        if (i >= n) {
            return NOT_FAST; // no offset
        }
        int offsetSeconds;
        char sign = s.charAt(i);
        if (sign == 'Z') {
            if (i + 1 != n) {
                return NOT_FAST;
            }
            offsetSeconds = 0;
        } else if (sign == '+' || sign == '-') {
            int rest = n - i - 1;
            if ((rest != 5 && rest != 8) || s.charAt(i + 3) != ':' || (rest == 8 && s.charAt(i + 6) != ':')) {
                return NOT_FAST;
            }
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            int os = rest == 8 ? digits(s, i + 7, 2) : 0;
            if ((oh | om | os) < 0 || oh > 18 || om > 59 || os > 59) {
                return NOT_FAST;
            }
            offsetSeconds = oh * 3600 + om * 60 + os;
            if (offsetSeconds > 18 * 3600) {
                return NOT_FAST;
            }
            if (sign == '-') {
                offsetSeconds = -offsetSeconds;
            }
        } else {
            return NOT_FAST;
        }
        long epochSecond = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        if (epochSecond == 0) {
            return NOT_FAST; // the epoch itself may be MySQL's zero TIMESTAMP: the caller's slow path decides
        }
        return epochSecond * 1_000_000L + nanos / 1000;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The decimal number of {@code width} ASCII digits at {@code from}, or -1 when one is not a digit. */
    private static int digits(String s, int from, int width) {
        int v = 0;
        for (int i = from; i < from + width; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isLeap(long year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int lengthOfMonth(int year, int month) {
        switch (month) {
            case 2:
                return isLeap(year) ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** {@code LocalDate.of(year, month, day).toEpochDay()} for a valid date of a year 0-9999. */
    private static long epochDay(long y, long m, int day) {
        long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        total += (367 * m - 362) / 12;
        total += day - 1;
        if (m > 2) {
            total--;
            if (!isLeap(y)) {
                total--;
            }
        }
        return total - DAYS_0000_TO_1970;
    }
}
