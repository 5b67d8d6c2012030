package dev.changelake.lake.delta;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Action rows (AddFile, RemoveFile) to JSON and back, so a checkpoint can hold the actions of a commit it has not
 * made yet. The JSON is the log's own shape; parsing goes through the engine's JSON handler with Kernel's action
 * schema, which gives back rows its commit takes.
 */
final class ActionJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ActionJson() {
    }

    static String toJson(Row action) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            writeStruct(g, action);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static List<Row> parse(Engine engine, List<String> json) {
        List<Row> rows = new ArrayList<>();
        if (json.isEmpty()) {
            return rows;
        }
        ColumnarBatch batch = engine.getJsonHandler().parseJson(new StringColumn(json), RemoveFiles.actionSchema(),
                Optional.empty());
        try (CloseableIterator<Row> it = batch.getRows()) {
            it.forEachRemaining(rows::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static void writeStruct(JsonGenerator g, Row row) throws IOException {
        g.writeStartObject();
        StructType schema = row.getSchema();
        for (int i = 0; i < schema.length(); i++) {
            if (!row.isNullAt(i)) {
                StructField f = schema.at(i);
                g.writeFieldName(f.getName());
                writeValue(g, f.getDataType(), row, i);
            }
        }
        g.writeEndObject();
    }

    private static void writeValue(JsonGenerator g, DataType type, Row row, int i) throws IOException {
        if (type instanceof StructType) {
            writeStruct(g, row.getStruct(i));
        } else if (type instanceof StringType) {
            g.writeString(row.getString(i));
        } else if (type instanceof LongType) {
            g.writeNumber(row.getLong(i));
        } else if (type instanceof IntegerType) {
            g.writeNumber(row.getInt(i));
        } else if (type instanceof BooleanType) {
            g.writeBoolean(row.getBoolean(i));
        } else if (type instanceof MapType) {
            writeMap(g, row.getMap(i));
        } else if (type instanceof ArrayType) {
            writeArray(g, row.getArray(i));
        } else {
            throw new IllegalArgumentException("no JSON for action field of type " + type);
        }
    }

    /** Maps in actions are string to string (partition values, tags). */
    private static void writeMap(JsonGenerator g, MapValue map) throws IOException {
        g.writeStartObject();
        ColumnVector keys = map.getKeys();
        ColumnVector values = map.getValues();
        for (int i = 0; i < map.getSize(); i++) {
            g.writeFieldName(keys.getString(i));
            if (values.isNullAt(i)) {
                g.writeNull();
            } else {
                g.writeString(values.getString(i));
            }
        }
        g.writeEndObject();
    }

    /** Arrays in actions are of strings. */
    private static void writeArray(JsonGenerator g, ArrayValue array) throws IOException {
        g.writeStartArray();
        ColumnVector elements = array.getElements();
        for (int i = 0; i < array.getSize(); i++) {
            if (elements.isNullAt(i)) {
                g.writeNull();
            } else {
                g.writeString(elements.getString(i));
            }
        }
        g.writeEndArray();
    }

    /** JSON texts as the string column {@code parseJson} reads. */
    private static final class StringColumn implements ColumnVector {
        private final List<String> values;

        StringColumn(List<String> values) {
            this.values = values;
        }

        @Override
        public DataType getDataType() {
            return StringType.STRING;
        }

        @Override
        public int getSize() {
            return values.size();
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isNullAt(int rowId) {
            return values.get(rowId) == null;
        }

        @Override
        public String getString(int rowId) {
            return values.get(rowId);
        }
    }
}
