package dev.changelake.jobs.clean;

import java.io.Serializable;
import java.time.DateTimeException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.rex.RexExecutable;

import dev.changelake.schema.ColumnType;

/**
 * One rule's expression as the Java source Calcite generated for it, and that source compiled to bytecode (Janino)
 * at most once per JVM copy of this object: it travels as source, since generated classes do not serialize, and is
 * compiled again on first use after deserialization.
 */
final class Evaluator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How many times generated code was compiled to bytecode, in this JVM; lets tests see it is not per row. */
    static final AtomicInteger COMPILATIONS = new AtomicInteger();

    private final String rule;
    private final String source;
    private final ColumnType resultType;
    private transient volatile Function1<DataContext, Object[]> code;

    /** @param compiled what {@code RexExecutorImpl.getExecutable} generated and already compiled, for one expression */
    Evaluator(String rule, RexExecutable compiled, ColumnType resultType) {
        COMPILATIONS.incrementAndGet();
        this.rule = rule;
        this.source = compiled.getSource();
        this.resultType = resultType;
        this.code = compiled.getFunction();
    }

    ColumnType resultType() {
        return resultType;
    }

    /** The rule's result for the row in {@code context}, in canonical form. */
    Object evaluate(DataContext context) {
        Function1<DataContext, Object[]> c = code;
        if (c == null) {
            c = compile();
        }
        try {
            return CalciteTypes.toCanonical(resultType, c.apply(context)[0]);
        } catch (RuntimeException e) {
            throw new CleaningException(rule + ": cannot be evaluated on this row: " + reason(e));
        }
    }

    private synchronized Function1<DataContext, Object[]> compile() {
        if (code == null) {
            COMPILATIONS.incrementAndGet();
            code = new RexExecutable(source, rule).getFunction();
        }
        return code;
    }

    /** Why, in words that hold no value of the row (the exceptions' own messages often quote it). */
    private static String reason(RuntimeException e) {
        String kind = e.getClass().getSimpleName();
        if (e instanceof NumberFormatException) {
            return "a text is not a number of the type it is cast to (" + kind + ")";
        }
        if (e instanceof ArithmeticException) {
            return "arithmetic overflow, division by zero or a result too wide for its type (" + kind + ")";
        }
        if (e instanceof DateTimeException || e instanceof IllegalArgumentException) {
            return "a value is not valid for a conversion or function in the rule (" + kind + ")";
        }
        if (e instanceof NullPointerException) {
            return "NULL where the rule's schema promised a value (" + kind + ")";
        }
        if (e instanceof ClassCastException) {
            return "a column's value is not in its type's canonical form (" + kind + ")";
        }
        return kind;
    }
}
