package dev.changelake.deploy.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads CloudFormation YAML with its short-form tags: {@code !Ref X} becomes {@code {Ref: X}}, {@code !GetAtt A.B}
 * {@code {Fn::GetAtt: [A, B]}}, every other {@code !Name v} {@code {Fn::Name: v}}, as the JSON form writes them. So a
 * test walks one shape, whichever form a template uses.
 */
final class CloudFormationYaml {
    private CloudFormationYaml() {
    }

    static Map<String, Object> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String text) {
        return (Map<String, Object>) new Yaml(new TagConstructor()).load(text);
    }

    private static final class TagConstructor extends SafeConstructor {
        TagConstructor() {
            super(new LoaderOptions());
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    Object value;
                    if (node instanceof ScalarNode) {
                        value = constructScalar((ScalarNode) node);
                    } else if (node instanceof SequenceNode) {
                        value = constructSequence((SequenceNode) node);
                    } else {
                        value = constructMapping((MappingNode) node);
                    }
                    if (tag.equals("Ref")) {
                        return Map.of("Ref", value);
                    }
                    if (tag.equals("GetAtt") && value instanceof String) {
                        String s = (String) value;
                        int dot = s.indexOf('.');
                        return Map.of("Fn::GetAtt", List.of(s.substring(0, dot), s.substring(dot + 1)));
                    }
                    if (tag.equals("Condition")) {
                        return Map.of("Condition", value);
                    }
                    return Map.of("Fn::" + tag, value);
                }
            });
        }
    }

    /** Every {@code Ref}, {@code Fn::GetAtt} target and {@code ${Name}} of an {@code Fn::Sub} string in {@code node}. */
    static List<String> references(Object node) {
        List<String> names = new ArrayList<>();
        collect(node, names, Map.of());
        return names;
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(?!!)([^}]+)}");

    @SuppressWarnings("unchecked")
    private static void collect(Object node, List<String> names, Map<String, Object> subVariables) {
        if (node instanceof Map) {
            Map<String, Object> map = (Map<String, Object>) node;
            if (map.size() == 1 && map.containsKey("Ref")) {
                names.add((String) map.get("Ref"));
                return;
            }
            if (map.size() == 1 && map.containsKey("Fn::GetAtt")) {
                Object target = map.get("Fn::GetAtt");
                names.add(target instanceof List ? (String) ((List<Object>) target).get(0) : ((String) target).split("\\.")[0]);
                return;
            }
            if (map.size() == 1 && map.containsKey("Fn::Sub")) {
                Object sub = map.get("Fn::Sub");
                String text;
                Map<String, Object> vars = new LinkedHashMap<>();
                if (sub instanceof List) {
                    text = (String) ((List<Object>) sub).get(0);
                    vars.putAll((Map<String, Object>) ((List<Object>) sub).get(1));
                    vars.values().forEach(v -> collect(v, names, Map.of()));
                } else {
                    text = (String) sub;
                }
                Matcher m = SUB_VARIABLE.matcher(text);
                while (m.find()) {
                    String variable = m.group(1).split("\\.")[0];
                    if (!vars.containsKey(variable)) {
                        names.add(variable);
                    }
                }
                return;
            }
            map.values().forEach(v -> collect(v, names, subVariables));
        } else if (node instanceof List) {
            ((List<Object>) node).forEach(v -> collect(v, names, subVariables));
        }
    }
}
