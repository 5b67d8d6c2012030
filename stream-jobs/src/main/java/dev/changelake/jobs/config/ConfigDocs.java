package dev.changelake.jobs.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.io.IOException;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes {@code docs/configuration.md} from the configuration classes, so the reference cannot drift from what
 * {@link PipelineConfigLoader} binds: one table per top-level section listing every key by its full YAML path, its
 * type, its default and its description.
 *
 * <p>Keys and types are what Jackson binds (its introspection of the classes, kebab-case names): nested classes are
 * sections, {@code List<X>} of objects gives rows {@code key[].field}, {@code Map<String, X>} of objects rows
 * {@code key.<name>.field}. Defaults are read from freshly constructed instances ({@code new PipelineConfig()},
 * {@code new X()} for list and map elements), so every class needs a no-argument constructor; {@code —} means none.
 * Descriptions come from {@code @JsonPropertyDescription}, which every option must have: generation fails naming the
 * fields without one. {@link OneOf} and {@link DurationString} refine a string's type.
 */
public final class ConfigDocs {
    /** Rewrites the committed file; {@code ConfigDocsTest} names it when the file is out of date. */
    static final String REGENERATE = "./mvnw -B -o -pl stream-jobs test -Dtest=ConfigDocsTest -Dchangelake.docs.write=true";

    // Named as PipelineConfigLoader's mapper names them.
    private static final ObjectMapper MAPPER = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    private static final String OBJECT = "object";
    private static final String NONE = "—";

    private static final class Row {
        private final String key;
        private final String type;
        private final String defaultValue;
        private final String description;

        Row(String key, String type, String defaultValue, String description) {
            this.key = key;
            this.type = type;
            this.defaultValue = defaultValue;
            this.description = description;
        }

        public String key() {
            return key;
        }

        public String type() {
            return type;
        }

        public String defaultValue() {
            return defaultValue;
        }

        public String description() {
            return description;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Row)) {
                return false;
            }
            Row o = (Row) other;
            return java.util.Objects.equals(key, o.key)
                    && java.util.Objects.equals(type, o.type)
                    && java.util.Objects.equals(defaultValue, o.defaultValue)
                    && java.util.Objects.equals(description, o.description);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(key, type, defaultValue, description);
        }

        @Override
        public String toString() {
            return "Row[key=" + key + ", type=" + type + ", defaultValue=" + defaultValue + ", description=" + description + "]";
        }

}

    private ConfigDocs() {}

    /** Writes {@code markdown(PipelineConfig.class)} to the path given as the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ConfigDocs <output.md>   (e.g. docs/configuration.md)");
            System.exit(2);
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(out.getParent());
        Files.writeString(out, markdown(PipelineConfig.class));
    }

    /**
     * The reference for the configuration rooted at {@code root}.
     *
     * @throws IllegalStateException naming every option without a {@code @JsonPropertyDescription}, or a class that
     *     cannot be constructed for its defaults
     */
    public static String markdown(Class<?> root) {
        List<String> undescribed = new ArrayList<>();
        List<List<Row>> sections = new ArrayList<>();
        Object defaults = construct(root);
        for (BeanPropertyDefinition section : properties(root)) {
            List<Row> rows = new ArrayList<>();
            describe(section, defaults, "", rows, undescribed, new HashSet<>(Set.of(root)));
            sections.add(rows);
        }
        if (!undescribed.isEmpty()) {
            throw new IllegalStateException("every option needs a @JsonPropertyDescription (it is what "
                    + "docs/configuration.md says about it); missing on:\n  " + String.join("\n  ", undescribed));
        }

        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("<!-- Generated from ").append(root.getSimpleName())
                .append(" by ConfigDocs: do not edit. Regenerate with\n     ").append(REGENERATE).append(" -->\n\n")
                .append("Every key of `pipeline.yaml`, by section. *Default* applies when the key is left out; `")
                .append(NONE).append("` means none (the description says when the key is required). Items of a list")
                .append(" of objects are written `key[].field`, entries of a map `key.<name>`.\n\n");
        msfIntro(md, sections);
        for (List<Row> rows : sections) {
            Row head = rows.get(0);
            md.append("## `").append(head.key).append("`\n\n").append(cell(head.description)).append("\n\n");
            List<Row> table = head.type.equals(OBJECT) ? rows.subList(1, rows.size()) : rows;
            if (!table.isEmpty()) {
                md.append("| Key | Type | Default | Description |\n|---|---|---|---|\n");
                for (Row row : table) {
                    md.append("| `").append(row.key).append("` | ").append(cell(row.type)).append(" | ")
                            .append(cell(row.defaultValue)).append(" | ").append(cell(row.description)).append(" |\n");
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    /** How the same keys are written as MSF property groups (see {@link PropertyGroups}), with a key of this tree. */
    private static void msfIntro(StringBuilder md, List<List<Row>> sections) {
        // An example key from this tree: the first plain one (not in a list or map) three levels deep, else the deepest.
        String key = sections.stream().flatMap(List::stream)
                .filter(r -> !r.type.equals(OBJECT) && !r.key.contains("[]") && !r.key.contains("<"))
                .map(Row::key)
                .max((a, b) -> Integer.compare(Math.min(depth(a), 3), Math.min(depth(b), 3)))
                .filter(k -> depth(k) >= 2)
                .orElse("source.kafka.bootstrap-servers");
        String group = key.substring(0, key.indexOf('.'));
        String rest = key.substring(key.indexOf('.') + 1);
        md.append("## On Amazon Managed Service for Apache Flink\n\n")
                .append("The same keys can be given as the application's runtime property groups: the group id is the")
                .append(" top-level section and the property key the rest of the path, e.g. `").append(key)
                .append("` is key `").append(rest).append("` in group `").append(group).append('`');
        if (depth(key) >= 3) {
            int dot = key.lastIndexOf('.');
            md.append(" (a group may be a deeper path: group `").append(key, 0, dot)
                    .append("`, key `").append(key.substring(dot + 1)).append("` works too)");
        }
        md.append(". List items are numbered from 0, written `tables.0.name` or `tables[0].name` (group `tables`, key")
                .append(" `0.name`); a map key holding dots goes in brackets, as in `properties[s3.endpoint]`. Values")
                .append(" are strings, converted as the YAML's would be. Locally the groups can come from a file in MSF's")
                .append(" development format (`flink-application-properties-dev.json`):\n\n```json\n[\n  {\"PropertyGroupId\": \"")
                .append(group).append("\", \"PropertyMap\": {\"").append(rest).append("\": \"…\"}}\n]\n```\n\n");
    }

    /** Adds the row for {@code property} of {@code owner} (an instance holding defaults, or null), then its keys. */
    private static void describe(BeanPropertyDefinition property, Object owner, String prefix, List<Row> rows,
            List<String> undescribed, Set<Class<?>> enclosing) {
        String key = prefix + property.getName();
        String description = property.getMetadata().getDescription();
        if (description == null || description.isBlank()) {
            undescribed.add(property.getPrimaryMember().getDeclaringClass().getSimpleName() + "."
                    + property.getInternalName() + " (" + key + ")");
            description = "";
        }
        AnnotatedMember member = property.getPrimaryMember();
        JavaType type = property.getPrimaryType();
        Object value = owner == null ? null : read(property, owner);
        if (isObject(type)) {
            rows.add(new Row(key, OBJECT, "", description));
            keys(type.getRawClass(), value != null ? value : construct(type.getRawClass()), key + ".", rows, undescribed, enclosing);
        } else if (type.isArrayType() || type.isCollectionLikeType()) {
            JavaType item = type.getContentType();
            if (isObject(item)) {
                rows.add(new Row(key, "list of objects", defaultValue(value), description));
                keys(item.getRawClass(), construct(item.getRawClass()), key + "[].", rows, undescribed, enclosing);
            } else {
                rows.add(new Row(key, "list of " + plural(scalar(item, member)), defaultValue(value), description));
            }
        } else if (type.isMapLikeType()) {
            JavaType entry = type.getContentType();
            String keyType = scalar(type.getKeyType(), null);
            if (isObject(entry)) {
                rows.add(new Row(key, "map " + keyType + "→object", defaultValue(value), description));
                keys(entry.getRawClass(), construct(entry.getRawClass()), key + ".<name>.", rows, undescribed, enclosing);
            } else {
                rows.add(new Row(key, "map " + keyType + "→" + scalar(entry, member), defaultValue(value), description));
            }
        } else {
            rows.add(new Row(key, scalar(type, member), defaultValue(value), description));
        }
    }

    private static void keys(Class<?> type, Object defaults, String prefix, List<Row> rows, List<String> undescribed,
            Set<Class<?>> enclosing) {
        if (!enclosing.add(type)) {
            throw new IllegalStateException(type.getName() + " contains itself (at " + prefix + "…); a configuration is a tree");
        }
        for (BeanPropertyDefinition property : properties(type)) {
            describe(property, defaults, prefix, rows, undescribed, enclosing);
        }
        enclosing.remove(type);
    }

    /** The keys Jackson accepts for {@code type}, in its order (declaration order, for fields). */
    private static List<BeanPropertyDefinition> properties(Class<?> type) {
        return MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(type)).findProperties().stream()
                .filter(BeanPropertyDefinition::couldDeserialize)
                .collect(Collectors.collectingAndThen(Collectors.toList(), Collections::unmodifiableList));
    }

    /** A class of our own, bound from a YAML mapping; everything else is written as a scalar, a list or a map. */
    private static boolean isObject(JavaType type) {
        return !type.isPrimitive() && !type.isEnumType() && !type.isContainerType()
                && !type.getRawClass().getName().startsWith("java.") && !JsonNode.class.isAssignableFrom(type.getRawClass());
    }

    private static String scalar(JavaType type, AnnotatedMember member) {
        OneOf oneOf = member == null ? null : member.getAnnotation(OneOf.class);
        if (oneOf != null) {
            List<String> values = oneOf.enumType() != OneOf.None.class
                    ? Arrays.stream(oneOf.enumType().getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.collectingAndThen(Collectors.toList(), Collections::unmodifiableList))
                    : List.of(oneOf.value());
            return oneOf(values);
        }
        if (member != null && member.hasAnnotation(DurationString.class)) {
            return "duration, e.g. `30s`, `2min`";
        }
        Class<?> raw = type.getRawClass();
        if (raw.isEnum()) {
            // as Jackson writes (and so reads) each constant
            return oneOf(Arrays.stream(raw.getEnumConstants()).map(e -> MAPPER.convertValue(e, String.class))
                    .collect(Collectors.collectingAndThen(Collectors.toList(), Collections::unmodifiableList)));
        }
        if (raw == int.class || raw == long.class || raw == short.class || raw == byte.class || raw == Integer.class
                || raw == Long.class || raw == Short.class || raw == Byte.class || raw == BigInteger.class) {
            return "integer";
        }
        if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class || raw == BigDecimal.class) {
            return "number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "boolean";
        }
        return raw == Object.class || JsonNode.class.isAssignableFrom(raw) ? "any value" : "string";
    }

    private static String oneOf(List<String> values) {
        return "one of " + values.stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
    }

    private static String plural(String scalar) {
        switch (scalar) {
            case "string":
            case "integer":
            case "number":
            case "boolean":
                return scalar + "s";
            default:
                return "values, each " + scalar;
        }
    }

    private static String defaultValue(Object value) {
        if (value == null || value instanceof Collection<?> && ((Collection<?>) value).isEmpty()
                || value instanceof Map<?, ?> && ((Map<?, ?>) value).isEmpty()
                || value.getClass().isArray() && java.lang.reflect.Array.getLength(value) == 0) {
            return NONE;
        }
        if (value instanceof String) {
            String s = (String) value;
            return s.isEmpty() ? "`\"\"`" : "`" + s + "`";
        }
        try {
            String json = MAPPER.writeValueAsString(value);
            return "`" + (json.startsWith("\"") ? json.substring(1, json.length() - 1) : json) + "`";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the default " + value, e);
        }
    }

    private static Object read(BeanPropertyDefinition property, Object owner) {
        AnnotatedMember accessor = property.getAccessor();
        if (accessor == null) {
            return null; // settable only: its default cannot be read
        }
        try {
            AccessibleObject member = (AccessibleObject) accessor.getMember();
            member.setAccessible(true); // the classes may be package-private, as in tests
            return member instanceof Field ? ((Field) member).get(owner) : ((Method) member).invoke(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the default of " + accessor.getFullName(), e);
        }
    }

    private static Object construct(Class<?> type) {
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a no-argument constructor: ConfigDocs reads "
                    + "the defaults from a new instance", e);
        }
    }

    private static int depth(String key) {
        return key.split("\\.").length;
    }

    /**
     * One table cell, on one line. Descriptions are plain text that may hold `code`: outside code, a {@code <db>}
     * would be taken for HTML and a backslash for an escape, so both are escaped; a pipe would end the cell anywhere.
     */
    private static String cell(String text) {
        String[] parts = text.strip().replaceAll("\\s+", " ").split("`", -1);
        for (int i = 0; i < parts.length; i += 2) { // the even parts are outside code spans
            parts[i] = parts[i].replace("\\", "\\\\").replace("<", "&lt;");
        }
        return String.join("`", parts).replace("|", "\\|");
    }
}
