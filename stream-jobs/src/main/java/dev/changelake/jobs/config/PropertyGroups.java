package dev.changelake.jobs.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code pipeline.yaml}'s keys read from Amazon Managed Service for Apache Flink (MSF) runtime property groups, as
 * AWS's MSF examples configure their jobs, and turned into the Jackson tree the YAML would have produced, to bind to
 * {@link PipelineConfig} the same way.
 *
 * <p>The mapping: a group's id is the path of a top-level section (it may be deeper, e.g. {@code source.database});
 * each property key is a dotted path below it. A list's items are numbered from 0, written {@code tables.0.name} or
 * {@code tables[0].name}, with no gaps (so group {@code tables}, key {@code 0.name}; or group {@code tables.0}, key
 * {@code name}). A map key that itself holds dots goes in brackets:
 * {@code properties[s3.endpoint]}. Values stay strings; Jackson turns {@code "3306"} into an int when binding. So
 *
 * <pre>
 * source:
 *   databases: [shop, crm]
 * tables:
 *   - {name: shop.orders, columns: {email: "lower(email)"}}
 * lake:
 *   catalog: {properties: {uri: "jdbc:sqlite:/x.db", s3.endpoint: "http://minio:9000"}}
 * job: {parallelism: 4}
 * </pre>
 *
 * is, as property groups:
 *
 * <pre>
 * group          key                        value
 * source         databases.0                shop
 * source         databases.1                crm
 * tables         0.name                     shop.orders
 * tables         [0].columns.email          lower(email)
 * lake.catalog   properties.uri             jdbc:sqlite:/x.db
 * lake.catalog   properties[s3.endpoint]    http://minio:9000
 * job            parallelism                4
 * </pre>
 *
 * A path that is both a value and the parent of other keys, a path set twice, a list with a missing index, a list
 * index and a name under the same parent, or an empty path segment is a {@link ConfigException} naming the group and
 * key.
 */
public final class PropertyGroups {
    private static final String GROUP_ID = "PropertyGroupId";
    private static final String PROPERTY_MAP = "PropertyMap";

    // Duplicate names within an entry would otherwise be dropped silently, the last one winning.
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private PropertyGroups() {}

    /**
     * The application's runtime properties, as MSF hands them to the job (its {@code application_properties.json});
     * empty when not running on MSF.
     */
    public static Map<String, Properties> fromRuntime() throws ConfigException {
        try {
            return KinesisAnalyticsRuntime.getApplicationProperties();
        } catch (IOException e) {
            throw new ConfigException("the MSF runtime properties", List.of("cannot read them: " + e));
        }
    }

    /**
     * Property groups from a file in MSF's local-development format ({@code flink-application-properties-dev.json} in
     * AWS's examples): {@code [{"PropertyGroupId": "source", "PropertyMap": {"kafka.bootstrap-servers": "b-1:9092"}}]}.
     * Values may be JSON strings, numbers or booleans. Unlike MSF's own reader, it refuses a missing file, unknown
     * names, nested values and a group id given twice.
     */
    public static Map<String, Properties> fromJsonFile(Path file) throws ConfigException {
        String name = file.toString();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, List.of("not JSON: " + e.getOriginalMessage() + location(e)));
        } catch (IOException e) {
            throw new ConfigException(name, List.of("cannot read the file: " + e));
        }
        if (root == null || !root.isArray()) {
            throw new ConfigException(name, List.of("expected a JSON array of {\"" + GROUP_ID + "\": …, \"" + PROPERTY_MAP
                    + "\": {…}} entries"));
        }
        List<String> problems = new ArrayList<>();
        Map<String, Properties> groups = new LinkedHashMap<>();
        Map<String, Integer> firstEntry = new LinkedHashMap<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            String where = "entry [" + i + "]";
            if (!entry.isObject()) {
                problems.add(where + ": expected an object with " + GROUP_ID + " and " + PROPERTY_MAP);
                continue;
            }
            JsonNode id = entry.get(GROUP_ID);
            if (id == null || !id.isTextual() || id.asText().isBlank()) {
                problems.add(where + ": " + GROUP_ID + " must be a non-empty string");
                continue;
            }
            where += " (" + GROUP_ID + " '" + id.asText() + "')";
            for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!field.equals(GROUP_ID) && !field.equals(PROPERTY_MAP)) {
                    problems.add(where + ": unknown name '" + field + "'; accepted: " + GROUP_ID + ", " + PROPERTY_MAP);
                }
            }
            Integer earlier = firstEntry.putIfAbsent(id.asText(), i);
            if (earlier != null) {
                problems.add(where + ": the group is already given by entry [" + earlier + "]; merge the two");
                continue;
            }
            JsonNode map = entry.get(PROPERTY_MAP);
            if (map == null || !map.isObject()) {
                problems.add(where + ": " + PROPERTY_MAP + " must be an object of key: value");
                continue;
            }
            Properties properties = new Properties();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                if (property.getValue().isValueNode() && !property.getValue().isNull()) {
                    properties.setProperty(property.getKey(), property.getValue().asText());
                } else {
                    problems.add(where + ": " + PROPERTY_MAP + "." + property.getKey()
                            + ": must be a string, number or boolean, not " + property.getValue().getNodeType()
                            .name().toLowerCase(Locale.ROOT));
                }
            }
            groups.put(id.asText(), properties);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        return groups;
    }

    /** The tree {@code pipeline.yaml} would have produced for these groups; see the class comment for the mapping. */
    public static ObjectNode toTree(Map<String, Properties> groups) throws ConfigException {
        List<String> problems = new ArrayList<>();
        Node root = new Node("(top level)");
        // Sorted, so that output and problems do not depend on hash order.
        for (Map.Entry<String, Properties> group : new TreeMap<>(groups).entrySet()) {
            for (String key : new TreeSet<>(group.getValue().stringPropertyNames())) {
                String origin = "group '" + group.getKey() + "', key '" + key + "'";
                try {
                    List<Object> path = new ArrayList<>(segments(group.getKey(), "group id"));
                    path.addAll(segments(key, "key"));
                    root.put(path, group.getValue().getProperty(key), origin);
                } catch (IllegalArgumentException e) {
                    problems.add(origin + ": " + e.getMessage());
                }
            }
        }
        JsonNode tree = root.toJson("", problems);
        if (!problems.isEmpty()) {
            throw new ConfigException("the property groups", problems);
        }
        return (ObjectNode) tree;
    }

    /**
     * The inverse of {@link #toTree}: a {@code pipeline.yaml} tree as property groups. Each value goes in the group of
     * its first two path segments ({@code source.kafka}, {@code tables.0}, {@code job}), keeping groups small (MSF
     * limits properties per group); the rest of the path is the key, with a name that holds a dot or a bracket in
     * brackets. Nulls are left out. {@code toTree(fromTree(t))} binds to the same configuration as {@code t}.
     */
    public static Map<String, Properties> fromTree(JsonNode tree) {
        Map<String, Properties> groups = new TreeMap<>();
        flatten(tree, new ArrayList<>(), groups);
        return groups;
    }

    private static void flatten(JsonNode node, List<String> path, Map<String, Properties> groups) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isValueNode()) {
            if (path.size() < 2) {
                throw new IllegalArgumentException("a value at the top level; property groups need sections (maps or "
                        + "lists) there");
            }
            int split = Math.min(2, path.size() - 1);
            String group = String.join(".", path.subList(0, split)).replace(".[", "[");
            String key = String.join(".", path.subList(split, path.size()));
            groups.computeIfAbsent(group, g -> new Properties()).setProperty(key.replace(".[", "["), node.asText());
            return;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add(String.valueOf(i));
                flatten(node.get(i), path, groups);
                path.remove(path.size() - 1);
            }
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (name.contains("]") || name.isEmpty()) {
                throw new IllegalArgumentException("key '" + name + "' cannot be written as a property path");
            }
            boolean bracketed = name.contains(".") || name.contains("[");
            path.add(bracketed ? "[" + name + "]" : name);
            flatten(field.getValue(), path, groups);
            path.remove(path.size() - 1);
        }
    }

    /** {@code a.b[0].c}, {@code a.b.0.c} → a, b, 0, c (Integers are list indexes); {@code a[x.y]} → a, "x.y". */
    private static List<Object> segments(String path, String what) {
        List<Object> segments = new ArrayList<>();
        int i = 0;
        while (i <= path.length()) {
            int end;
            if (i < path.length() && path.charAt(i) == '[') {
                end = path.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("the " + what + " has a '[' without its ']'");
                }
                segments.add(segment(path.substring(i + 1, end), what));
                end++;
            } else {
                end = i;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                segments.add(segment(path.substring(i, end), what));
            }
            // after a segment: the end, a '.' before the next, or a '[' that opens it
            if (end == path.length()) {
                break;
            }
            if (path.charAt(end) == '.') {
                i = end + 1;
            } else if (path.charAt(end) == '[') {
                i = end;
            } else {
                throw new IllegalArgumentException("the " + what + " needs a '.' or '[' after ']'");
            }
        }
        return segments;
    }

    private static Object segment(String text, String what) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " has an empty segment (two dots, or a dot at an end)");
        }
        if (!text.chars().allMatch(Character::isDigit)) {
            return text;
        }
        if (text.length() > 6) {
            throw new IllegalArgumentException("the " + what + " has list index " + text + ", too large to be meant");
        }
        return Integer.valueOf(text);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /** A value or a parent, remembering which property made it, so conflicts can name both sides. */
    private static final class Node {
        final String origin;
        String value;
        final Map<Object, Node> children = new LinkedHashMap<>(); // String keys: an object; Integer keys: a list

        Node(String origin) {
            this.origin = origin;
        }

        void put(List<Object> path, String value, String origin) {
            Node node = this;
            for (Object segment : path) {
                if (node.value != null) {
                    throw new IllegalArgumentException("puts keys below a value, which " + node.origin + " sets");
                }
                if (!node.children.isEmpty() && node.children.keySet().iterator().next().getClass() != segment.getClass()) {
                    throw new IllegalArgumentException("mixes list indexes and names under one parent with " + node.origin);
                }
                node = node.children.computeIfAbsent(segment, s -> new Node(origin));
            }
            if (node.value != null) {
                throw new IllegalArgumentException("sets the same path as " + node.origin);
            }
            if (!node.children.isEmpty()) {
                throw new IllegalArgumentException("sets a value where " + node.origin + " puts keys below it");
            }
            node.value = value;
        }

        JsonNode toJson(String path, List<String> problems) {
            if (value != null) {
                return TextNode.valueOf(value);
            }
            if (children.isEmpty() || children.keySet().iterator().next() instanceof String) {
                ObjectNode object = JsonNodeFactory.instance.objectNode();
                children.forEach((name, child) -> object.set((String) name,
                        child.toJson(path.isEmpty() ? (String) name : path + "." + name, problems)));
                return object;
            }
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            for (Map.Entry<Object, Node> item : new TreeMap<>(children).entrySet()) {
                if ((Integer) item.getKey() != list.size()) {
                    problems.add(item.getValue().origin + ": " + path + " has no item [" + list.size()
                            + "]; number a list's items 0, 1, 2, … without gaps");
                    break;
                }
                list.add(item.getValue().toJson(path + "[" + item.getKey() + "]", problems));
            }
            return list;
        }
    }
}
