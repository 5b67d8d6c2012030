package dev.changelake.jobs.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.ColumnType.Kind;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import dev.changelake.schema.TableSchema.Column;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CleaningRulesTest {
    static final TableSchema ORDERS = new TableSchema(new TableId("shop", "orders"), List.of(
            new Column("id", ColumnType.of(Kind.LONG), false),
            new Column("email", ColumnType.of(Kind.STRING), true),
            new Column("status", ColumnType.of(Kind.STRING), true),
            new Column("amount", ColumnType.decimal(10, 2), true),
            new Column("country", ColumnType.of(Kind.STRING), true),
            new Column("ssn", ColumnType.of(Kind.STRING), true),
            new Column("notes", ColumnType.of(Kind.STRING), true),
            new Column("photo", ColumnType.of(Kind.BINARY), true),
            new Column("code", ColumnType.of(Kind.STRING), true),
            new Column("internal_flag", ColumnType.of(Kind.BOOLEAN), true),
            new Column("created_at", ColumnType.of(Kind.TIMESTAMP), true)), List.of("id"));

    /** 2024-03-01T12:34:56.789123Z in micros: the last three digits are below Calcite's millisecond precision. */
    static final long CREATED_AT = Instant.parse("2024-03-01T12:34:56.789123Z").toEpochMilli() * 1000 + 123;

    static Map<String, Object> order() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 7L);
        row.put("email", "  Ann@Example.COM ");
        row.put("status", "PAID");
        row.put("amount", new BigDecimal("10.25"));
        row.put("country", null);
        row.put("ssn", "123-45-6789");
        row.put("notes", "call me at home");
        row.put("photo", "abc".getBytes(StandardCharsets.UTF_8));
        row.put("code", "42");
        row.put("internal_flag", true);
        row.put("created_at", CREATED_AT);
        return row;
    }

    static CompiledRules compile(String filter, Map<String, String> columns, List<String> drop) {
        return CleaningRules.of(filter, columns, drop).compile(ORDERS);
    }

    static CompiledRules columns(String name, String expression) {
        return compile(null, Map.of(name, expression), List.of());
    }

    static Column outputColumn(CompiledRules rules, String name) {
        return rules.outputSchema().columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    // --- filter

    @Test
    void filterKeepsRowsWhereTheConditionIsTrue() {
        CompiledRules rules = compile("status <> 'TEST'", Map.of(), List.of());

        assertThat(rules.apply(order())).usingRecursiveComparison().isEqualTo(order());
    }

    @Test
    void filterRejectsRowsWhereTheConditionIsFalse() {
        CompiledRules rules = compile("status <> 'TEST'", Map.of(), List.of());
        Map<String, Object> test = order();
        test.put("status", "TEST");

        assertThat(rules.apply(test)).isNull();
    }

    @Test
    void filterRejectsRowsWhereTheConditionIsNull() {
        CompiledRules rules = compile("status <> 'TEST'", Map.of(), List.of());
        Map<String, Object> unknown = order();
        unknown.put("status", null);

        assertThat(rules.apply(unknown)).isNull();
    }

    @Test
    void filterComparesTimestampsWithTimestampLiterals() {
        CompiledRules rules = compile("created_at >= TIMESTAMP '2024-01-01 00:00:00'", Map.of(), List.of());
        Map<String, Object> old = order();
        // One microsecond before the literal: truncating to milliseconds must not round it up into the range.
        old.put("created_at", Instant.parse("2024-01-01T00:00:00Z").toEpochMilli() * 1000 - 1);

        assertThat(rules.apply(order())).isNotNull();
        assertThat(rules.apply(old)).isNull();
    }

    @Test
    void filterThatIsNotAConditionIsRefused() {
        assertThatThrownBy(() -> compile("amount + 1", Map.of(), List.of()))
                .isInstanceOf(CleaningException.class)
                .hasMessageContaining("filter: amount + 1")
                .hasMessageContaining("BOOLEAN");
    }

    // --- columns

    @Test
    void rewriteChangesTheValueAndKeepsTheColumnInPlace() {
        CompiledRules rules = columns("email", "lower(trim(email))");

        Map<String, Object> row = rules.apply(order());

        assertThat(row.get("email")).isEqualTo("ann@example.com");
        assertThat(row.keySet()).containsExactlyElementsOf(order().keySet());
        assertThat(outputColumn(rules, "email")).isEqualTo(new Column("email", ColumnType.of(Kind.STRING), true));
    }

    @Test
    void rewriteChangesTheColumnType() {
        CompiledRules rules = columns("code", "CAST(code AS INT)");

        assertThat(rules.apply(order()).get("code")).isEqualTo(42);
        assertThat(outputColumn(rules, "code").type()).isEqualTo(ColumnType.of(Kind.INT));
        assertThat(rules.outputSchema().columns().indexOf(outputColumn(rules, "code"))).isEqualTo(8);
    }

    @Test
    void computedColumnIsAppendedWithItsType() {
        CompiledRules rules = compile(null, linked("email_domain", "substring(email from position('@' in email) + 1)",
                "is_big", "amount > 100"), List.of());

        List<Column> out = rules.outputSchema().columns();
        assertThat(out).hasSize(ORDERS.columns().size() + 2);
        assertThat(out.get(out.size() - 2)).isEqualTo(new Column("email_domain", ColumnType.of(Kind.STRING), true));
        assertThat(out.get(out.size() - 1)).isEqualTo(new Column("is_big", ColumnType.of(Kind.BOOLEAN), true));
        Map<String, Object> row = rules.apply(order());
        assertThat(row.get("email_domain")).isEqualTo("Example.COM ");
        assertThat(row.get("is_big")).isEqualTo(false);
        assertThat(rules.outputSchema().primaryKey()).containsExactly("id");
    }

    @Test
    void decimalArithmeticIsExact() {
        CompiledRules rules = columns("amount_usd", "amount * 1.1");

        assertThat(outputColumn(rules, "amount_usd").type()).isEqualTo(ColumnType.decimal(12, 3));
        assertThat(rules.apply(order()).get("amount_usd")).isEqualTo(new BigDecimal("11.275"));
    }

    @Test
    void decimalResultsMayHaveUpTo38Digits() {
        // Calcite's default type system stops at 19 digits.
        CompiledRules rules = compile(null, linked("wide", "CAST(amount AS DECIMAL(30,2)) + amount",
                "capped", "CAST(amount AS DECIMAL(30,2)) * 1000"), List.of());

        assertThat(outputColumn(rules, "wide").type()).isEqualTo(ColumnType.decimal(31, 2));
        assertThat(outputColumn(rules, "capped").type()).isEqualTo(ColumnType.decimal(38, 2));
        assertThat(rules.apply(order())).containsEntry("wide", new BigDecimal("20.50"))
                .containsEntry("capped", new BigDecimal("10250.00"));
    }

    @Test
    void castToDecimalHasTheCastsScale() {
        CompiledRules rules = columns("total", "CAST(amount AS DECIMAL(12,4))");

        assertThat(outputColumn(rules, "total").type()).isEqualTo(ColumnType.decimal(12, 4));
        assertThat(rules.apply(order()).get("total")).isEqualTo(new BigDecimal("10.2500"));
    }

    @Test
    void coalesceGivesNullsADefault() {
        CompiledRules rules = columns("country", "COALESCE(country, 'n/a')");

        assertThat(rules.apply(order()).get("country")).isEqualTo("n/a");
        assertThat(outputColumn(rules, "country").nullable()).isFalse();
    }

    @Test
    void caseOfStringsOfDifferentLengthsIsNotPadded() {
        CompiledRules rules = columns("size", "CASE WHEN amount > 100 THEN 'abc' ELSE 'a' END");

        assertThat(rules.apply(order()).get("size")).isEqualTo("a");
        assertThat(outputColumn(rules, "size").type()).isEqualTo(ColumnType.of(Kind.STRING));
    }

    @Test
    void computedTimestampIsInMicros() {
        CompiledRules rules = columns("next_day", "created_at + INTERVAL '1' DAY");
        long millis = Math.floorDiv(CREATED_AT, 1000);

        assertThat(outputColumn(rules, "next_day").type()).isEqualTo(ColumnType.of(Kind.TIMESTAMP));
        assertThat(rules.apply(order()).get("next_day")).isEqualTo((millis + 86_400_000L) * 1000);
    }

    @Test
    void columnNamesMatchCaseInsensitively() {
        CompiledRules rules = compile("STATUS = 'PAID'", Map.of("Email", "UPPER(EMAIL)"), List.of());

        Map<String, Object> row = rules.apply(order());
        assertThat(row).containsEntry("email", "  ANN@EXAMPLE.COM ").doesNotContainKey("Email");
    }

    // --- PII functions

    @Test
    void sha256IsLowerCaseHexOfUtf8() {
        CompiledRules rules = compile(null, linked("card", "sha256(notes)", "photo_hash", "sha256(photo)"), List.of());

        Map<String, Object> row = rules.apply(order());
        assertThat(row.get("card")).isEqualTo("08794ab1fb088e81bc5facfeb831813e2d3027c38bb1e1b35f93fc5ad0b38254");
        // sha256("abc"), the FIPS 180-2 test vector
        assertThat(row.get("photo_hash")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void maskKeepsTheLastFourOrN() {
        CompiledRules rules = compile(null, linked("ssn", "mask(ssn)", "ssn2", "mask(ssn, 2)", "short", "mask('abc')"),
                List.of());

        Map<String, Object> row = rules.apply(order());
        assertThat(row.get("ssn")).isEqualTo("*******6789");
        assertThat(row.get("ssn2")).isEqualTo("*********89");
        assertThat(row.get("short")).isEqualTo("abc");
    }

    @Test
    void redactReplacesNonNullValues() {
        CompiledRules rules = compile(null, linked("notes", "redact(notes)", "country", "redact(country)"), List.of());

        Map<String, Object> row = rules.apply(order());
        assertThat(row.get("notes")).isEqualTo("[redacted]");
        assertThat(row.get("country")).isNull();
        assertThat(outputColumn(rules, "notes").type()).isEqualTo(ColumnType.of(Kind.STRING));
    }

    // --- drop and untouched columns

    @Test
    void dropRemovesTheColumnFromSchemaAndRow() {
        CompiledRules rules = compile(null, Map.of(), List.of("internal_flag"));

        assertThat(rules.outputSchema().columns()).extracting(Column::name).doesNotContain("internal_flag");
        assertThat(rules.apply(order())).doesNotContainKey("internal_flag").hasSize(ORDERS.columns().size() - 1);
    }

    @Test
    void untouchedColumnsKeepTheirValueObjects() {
        CompiledRules rules = compile("created_at > TIMESTAMP '2000-01-01 00:00:00' AND amount > 0",
                Map.of("email", "lower(email)"), List.of());
        Map<String, Object> in = order();

        Map<String, Object> out = rules.apply(in);

        assertThat(out.get("created_at")).isEqualTo(CREATED_AT);
        assertThat(out.get("amount")).isSameAs(in.get("amount"));
        assertThat(out.get("photo")).isSameAs(in.get("photo"));
        assertThat(rules.outputSchema().columns().get(10)).isEqualTo(ORDERS.columns().get(10));
    }

    // --- problems

    @Test
    void syntaxErrorNamesThePathAndPosition() {
        CleaningRules rules = CleaningRules.of("status = 'x", linked("email", "lower(trim(email)", "ok", "upper(email)"),
                List.of());

        assertThat(rules.syntaxProblems("tables[2]")).containsExactly(
                "tables[2].filter: status = 'x — syntax error at column 10: this string is not closed (a ' is missing)",
                "tables[2].columns.email: lower(trim(email) — syntax error at column 18: expected \")\"");
    }

    @Test
    void syntaxErrorSaysWhatWasExpected() {
        CleaningRules rules = CleaningRules.of(null, linked("a", "CAST(amount DECIMAL)", "b", "amount amount",
                "c", "", "d", "amount +\n * 2", "e", "status = 'x' and", "f", "CASE WHEN amount > 1 THEN 'a'",
                "g", "status = \"PAID\""), List.of());

        assertThat(rules.syntaxProblems("t")).containsExactly(
                "t.columns.a: CAST(amount DECIMAL) — syntax error at column 13: unexpected \"DECIMAL\"; expected \"AS\"",
                "t.columns.b: amount amount — syntax error at column 8: unexpected \"amount\"; expected the end of the"
                        + " expression",
                "t.columns.c:  — the expression is empty",
                "t.columns.d: amount +\n * 2 — syntax error at line 2, column 2: unexpected \"*\"; expected a value,"
                        + " a column or a function",
                "t.columns.e: status = 'x' and — syntax error at column 17: it ends after \"and\"; expected a value,"
                        + " a column or a function",
                "t.columns.f: CASE WHEN amount > 1 THEN 'a' — syntax error at column 30: expected \"END\"",
                "t.columns.g: status = \"PAID\" — syntax error at column 8: strings take single quotes ('text');"
                        + " identifiers that need quoting take backticks");
    }

    @Test
    void dropOfAComputedColumnIsAProblem() {
        CleaningRules rules = CleaningRules.of(null, Map.of("email", "lower(email)"), List.of("email"));

        assertThat(rules.syntaxProblems("tables[0]")).containsExactly(
                "tables[0].drop: email is also computed in tables[0].columns.email; a column is either computed or dropped");
    }

    @Test
    void unknownColumnNamesTheRulePositionAndAvailableColumns() {
        assertThatThrownBy(() -> columns("email", "lower(emial)"))
                .isInstanceOf(CleaningException.class)
                .hasMessageStartingWith("columns.email: lower(emial) — ")
                .hasMessageContaining("emial")
                .hasMessageContaining("column 7")
                .hasMessageContaining("available columns: id LONG, email STRING, status STRING, amount DECIMAL(10,2)");
    }

    @Test
    void unknownFunctionAndTypeMismatchAreRefused() {
        assertThatThrownBy(() -> compile("amount > 'x' AND nosuch(email) = 1", Map.of("n", "email * 2"), List.of()))
                .isInstanceOf(CleaningException.class)
                .satisfies(e -> assertThat(((CleaningException) e).problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).startsWith("filter: amount > 'x' AND nosuch(email) = 1 — ")
                                .contains("No match found for function signature nosuch(<CHARACTER>) at column 18"))
                        .anySatisfy(p -> assertThat(p).startsWith("columns.n: email * 2 — Cannot apply '*' to arguments"
                                + " of type '<VARCHAR> * <INTEGER>'").contains("at column 1; available columns: id LONG")));
    }

    @Test
    void queriesAggregatesAndWindowsAreRefused() {
        assertThatThrownBy(() -> columns("n", "sum(amount)"))
                .hasMessageStartingWith("columns.n: sum(amount) — a rule sees one row, so SUM");
        assertThatThrownBy(() -> columns("n", "1 + (SELECT max(id) FROM orders)"))
                .hasMessageStartingWith("columns.n: 1 + (SELECT max(id) FROM orders) — a rule sees one row, so SELECT")
                .hasMessageContaining("at column 5");
    }

    @Test
    void rewritingOrDroppingThePrimaryKeyIsRefused() {
        assertThatThrownBy(() -> columns("id", "id + 1"))
                .isInstanceOf(CleaningException.class)
                .hasMessageStartingWith("columns.id: id + 1 — id is part of the primary key");
        assertThatThrownBy(() -> compile(null, Map.of(), List.of("ID")))
                .isInstanceOf(CleaningException.class)
                .hasMessageStartingWith("drop: ID is part of the primary key");
    }

    @Test
    void droppingAnUnknownColumnIsRefused() {
        assertThatThrownBy(() -> compile(null, Map.of(), List.of("nope")))
                .isInstanceOf(CleaningException.class)
                .hasMessage("drop: nope is not a column of shop.orders; available columns: id, email, status, amount,"
                        + " country, ssn, notes, photo, code, internal_flag, created_at");
    }

    @Test
    void evaluationErrorNamesTheRuleNotTheValue() {
        CompiledRules rules = compile(null, linked("n", "CAST(ssn AS INT)"), List.of());

        assertThatThrownBy(() -> rules.apply(order()))
                .isInstanceOf(CleaningException.class)
                .hasMessageStartingWith("columns.n: cannot be evaluated on this row")
                .hasMessageNotContaining("123-45-6789")
                .hasNoCause();
    }

    @Test
    void castOfANonNumberLiteralFailsWhenEvaluated() {
        CompiledRules rules = columns("n", "CAST('x' AS INT)");

        assertThatThrownBy(() -> rules.apply(order()))
                .isInstanceOf(CleaningException.class)
                .hasMessageStartingWith("columns.n: ");
    }

    @Test
    void decimalTooWideForItsTypeIsAnEvaluationError() {
        CompiledRules rules = columns("small", "CAST(amount AS DECIMAL(3,2))");

        assertThatThrownBy(() -> rules.apply(order()))
                .isInstanceOf(CleaningException.class)
                .hasMessageStartingWith("columns.small: ");
    }

    // --- compiled once

    @Test
    void survivesJavaSerializationAndCompilesLazilyInTheCopy() throws Exception {
        CompiledRules rules = compile("status <> 'TEST'", linked("email", "lower(trim(email))", "total",
                "CAST(amount AS DECIMAL(12,2))"), List.of("internal_flag"));

        CompiledRules copy = roundTrip(rules);
        int before = Evaluator.COMPILATIONS.get();
        Map<String, Object> row = copy.apply(order());

        assertThat(Evaluator.COMPILATIONS.get() - before).isEqualTo(3);
        assertThat(row.get("email")).isEqualTo("ann@example.com");
        assertThat(row.get("total")).isEqualTo(new BigDecimal("10.25"));
        assertThat(copy.outputSchema()).isEqualTo(rules.outputSchema());
    }

    @Test
    void applyDoesNotCompileAgainPerRow() throws Exception {
        int before = Evaluator.COMPILATIONS.get();
        CompiledRules rules = compile("amount > 0", linked("email", "lower(email)", "ssn", "mask(ssn)"), List.of());
        assertThat(Evaluator.COMPILATIONS.get() - before).isEqualTo(3);
        CompiledRules copy = roundTrip(rules);
        copy.apply(order());

        int afterFirstRow = Evaluator.COMPILATIONS.get();
        for (int i = 0; i < 1_000; i++) {
            rules.apply(order());
            copy.apply(order());
        }

        assertThat(Evaluator.COMPILATIONS.get()).isEqualTo(afterFirstRow);
    }

    @Test
    void rulesThemselvesAreSerializable() throws Exception {
        CleaningRules rules = CleaningRules.of("a = 1", linked("b", "c", "d", "e"), List.of("f"));

        assertThat(roundTrip(rules)).isEqualTo(rules);
        assertThat(CleaningRules.of(null, Map.of(), List.of()).isEmpty()).isTrue();
        assertThat(rules.isEmpty()).isFalse();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    static Map<String, String> linked(String... nameThenExpression) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < nameThenExpression.length; i += 2) {
            map.put(nameThenExpression[i], nameThenExpression[i + 1]);
        }
        return map;
    }
}
