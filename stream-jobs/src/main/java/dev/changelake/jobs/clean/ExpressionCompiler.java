package dev.changelake.jobs.clean;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.Lex;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.util.ImmutableBitSet;

import dev.changelake.schema.ColumnType;
import dev.changelake.schema.TableSchema;

/**
 * Turns rule expressions into {@link Evaluator}s for one input schema, with Calcite doing all of it: parse
 * ({@code SqlParser.parseExpression}), validate and type against the columns ({@code
 * SqlValidator.validateParameterizedExpression}), convert to a {@code RexNode}, generate Java and compile it
 * ({@code RexExecutorImpl.getExecutable}). Compile-time only: nothing here is kept by {@link CompiledRules}.
 */
final class ExpressionCompiler {
    /** MySQL lexing: backtick quoting, identifiers kept as written and matched case-insensitively, {@code !=}. */
    static final SqlConformanceEnum CONFORMANCE = SqlConformanceEnum.MYSQL_5;
    static final SqlParser.Config PARSER = SqlParser.config().withLex(Lex.MYSQL).withConformance(CONFORMANCE);

    /**
     * No implicit type coercion: {@code email * 2} is refused here rather than failing (or not) row by row;
     * rules say CAST where they mean it.
     */
    private static final SqlValidator.Config VALIDATOR = SqlValidator.Config.DEFAULT.withConformance(CONFORMANCE)
            .withTypeCoercionEnabled(false);

    /** One compiled expression: its SQL type, the input columns it reads, and its evaluator. */
    static final class Compiled {
        private final RelDataType type;
        private final ImmutableBitSet inputs;
        private final Evaluator evaluator;

        Compiled(RelDataType type, ImmutableBitSet inputs, Evaluator evaluator) {
            this.type = type;
            this.inputs = inputs;
            this.evaluator = evaluator;
        }

        public RelDataType type() {
            return type;
        }

        public ImmutableBitSet inputs() {
            return inputs;
        }

        public Evaluator evaluator() {
            return evaluator;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Compiled)) {
                return false;
            }
            Compiled o = (Compiled) other;
            return java.util.Objects.equals(type, o.type)
                    && java.util.Objects.equals(inputs, o.inputs)
                    && java.util.Objects.equals(evaluator, o.evaluator);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(type, inputs, evaluator);
        }

        @Override
        public String toString() {
            return "Compiled[type=" + type + ", inputs=" + inputs + ", evaluator=" + evaluator + "]";
        }
    }

    private final TableSchema input;
    private final JavaTypeFactory types = new JavaTypeFactoryImpl(CalciteTypes.TYPE_SYSTEM);
    private final RexBuilder rexBuilder = new RexBuilder(types);
    // SqlToRelConverter needs a cluster; nothing is planned, so the cheapest planner will do.
    private final RelOptCluster cluster =
            RelOptCluster.create(new HepPlanner(HepProgram.builder().build()), rexBuilder);
    private final CalciteCatalogReader catalog;
    private final SqlOperatorTable operators;
    private final RelDataType rowType;
    // Case-insensitive, like MySQL's column names and the parser's Lex.MYSQL.
    private final Map<String, RelDataType> columnTypes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, RexNode> columnRefs = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    ExpressionCompiler(TableSchema input) {
        this.input = input;
        RelDataTypeFactory.Builder row = types.builder();
        for (TableSchema.Column c : input.columns()) {
            row.add(c.name(), CalciteTypes.sqlType(types, c.type(), c.nullable()));
        }
        this.rowType = row.build();
        rowType.getFieldList().forEach(f -> {
            columnTypes.put(f.getName(), f.getType());
            columnRefs.put(f.getName(), rexBuilder.makeInputRef(f.getType(), f.getIndex()));
        });
        CalciteSchema root = CalciteSchema.createRootSchema(false, false);
        addFunctions(root.plus());
        Properties props = new Properties();
        props.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
        this.catalog = new CalciteCatalogReader(root, List.of(), types, new CalciteConnectionConfigImpl(props));
        this.operators = SqlOperatorTables.chain(SqlStdOperatorTable.instance(), catalog);
    }

    private static void addFunctions(SchemaPlus schema) {
        for (Method m : PiiFunctions.class.getDeclaredMethods()) {
            boolean sqlTyped = Arrays.stream(m.getParameterTypes()).noneMatch(ByteString.class::equals);
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && sqlTyped) {
                schema.add(m.getName(), ScalarFunctionImpl.create(m));
            }
        }
    }

    static SqlNode parse(String expression) throws SqlParseException {
        return SqlParser.create(expression, PARSER).parseExpression();
    }

    /** The filter: a condition, TRUE keeps the row. */
    Compiled compileFilter(String rule, String expression) throws CleaningException {
        Compiled c = compile(rule, expression);
        if (c.type().getSqlTypeName() != SqlTypeName.BOOLEAN) {
            throw problem(rule, expression, "a filter must be a condition (BOOLEAN), this is " + c.type());
        }
        return c;
    }

    /** A column's value. */
    Compiled compile(String rule, String expression) throws CleaningException {
        SqlNode parsed;
        try {
            parsed = parse(expression);
        } catch (SqlParseException e) {
            throw new CleaningException(SyntaxErrors.describe(rule, expression, e));
        }
        RexNode rex;
        try {
            SqlValidator validator = SqlValidatorUtil.newValidator(operators, catalog, types, VALIDATOR);
            // Before validating too: the validator's errors for a nested query are about its own scopes.
            refuseMultiRow(rule, expression, parsed);
            SqlNode validated = validator.validateParameterizedExpression(parsed, columnTypes);
            refuseMultiRow(rule, expression, validated); // aggregate functions are only known once resolved
            SqlToRelConverter converter = new SqlToRelConverter((type, query, schema, path) -> {
                throw new UnsupportedOperationException("no views in cleaning rules");
            }, validator, catalog, cluster, StandardConvertletTable.INSTANCE, SqlToRelConverter.config());
            rex = converter.convertExpression(validated, columnRefs);
        } catch (CalciteContextException e) {
            throw problem(rule, expression, validatorMessage(e) + " at " + position(e.getPosLine(), e.getPosColumn()));
        } catch (CleaningException e) {
            throw e;
        } catch (RuntimeException | AssertionError e) {
            // Calcite signals some invalid expressions with AssertionError rather than a validation error.
            throw problem(rule, expression, firstLine(e.getMessage()));
        }
        ColumnType resultType = CalciteTypes.columnType(rex.getType());
        if (resultType == null) {
            throw problem(rule, expression, "its type " + rex.getType() + " has no lake column type; CAST it");
        }
        try {
            return new Compiled(rex.getType(), RelOptUtil.InputFinder.bits(rex),
                    new Evaluator(rule, RexExecutorImpl.getExecutable(rexBuilder, List.of(rex), rowType), resultType));
        } catch (RuntimeException | AssertionError e) {
            // Janino's reason is in the cause: "While compiling generated Rex code" alone says nothing.
            String why = firstLine(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            throw problem(rule, expression, "Calcite could not generate code for it (most often operands of"
                    + " different types that need a CAST): " + why);
        }
    }

    private void refuseMultiRow(String rule, String expression, SqlNode node) {
        SqlCall multiRow = multiRowCall(node);
        if (multiRow != null) {
            throw problem(rule, expression, "a rule sees one row, so " + multiRow.getOperator().getName()
                    + " (a query, aggregate or window) cannot be used, at " + position(
                    multiRow.getParserPosition().getLineNum(), multiRow.getParserPosition().getColumnNum()));
        }
    }

    /** The first subquery, aggregate or window call: Calcite validates them in an expression, a row has none. */
    private static SqlCall multiRowCall(SqlNode validated) {
        SqlCall[] found = new SqlCall[1];
        validated.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (found[0] == null && (SqlKind.QUERY.contains(call.getKind()) || call.getKind() == SqlKind.OVER
                        || call.getOperator().isAggregator())) {
                    found[0] = call;
                }
                return found[0] == null ? super.visit(call) : null;
            }
        });
        return found[0];
    }

    /** {@code Column 'x' not found in any table} rather than Calcite's {@code From line 1, column 1 to …: …}. */
    private static String validatorMessage(CalciteContextException e) {
        return firstLine(e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : e.getMessage());
    }

    /** Calcite's type errors go on to list every supported signature, one a line; the first line says it. */
    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    static String position(int line, int column) {
        return line <= 1 ? "column " + column : "line " + line + ", column " + column;
    }

    private CleaningException problem(String rule, String expression, String what) {
        String available = input.columns().stream().map(c -> c.name() + " " + c.type())
                .collect(Collectors.joining(", "));
        return new CleaningException(rule + ": " + expression + " — " + what + "; available columns: " + available);
    }
}
