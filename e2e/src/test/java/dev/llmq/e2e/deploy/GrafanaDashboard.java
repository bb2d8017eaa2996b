package dev.llmq.e2e.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Grafana dashboard JSON read as Grafana would run it against Prometheus: every panel's target expressions (rows
 * included), with the dashboard's template variables and Grafana's built-in ones substituted.
 */
record GrafanaDashboard(JsonNode root) {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)|\\[\\[(\\w+)]]");

    /** One query of one panel, with its expression as written and as Grafana sends it. */
    record Target(String panel, String refId, String expr, String resolved) {

        @Override
        public String toString() {
            return "\"" + panel + "\" " + refId + ": " + resolved;
        }
    }

    static GrafanaDashboard read(Path file) {
        try {
            return new GrafanaDashboard(JsonMapper.builder().build().readTree(Files.readString(file)));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The panels that show data (rows are containers, not panels), those inside collapsed rows too. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            if ("row".equals(panel.path("type").asString(""))) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /**
     * Every target of every panel, its variables resolved: a variable with "All" selected becomes its {@code allValue}
     * (as Grafana sends it), any other its current value; {@code builtIns} gives Grafana's own
     * ({@code __rate_interval}...). An unknown variable is an error.
     */
    List<Target> targets(Map<String, String> builtIns) {
        Map<String, String> values = new LinkedHashMap<>(builtIns);
        values.putAll(variables());
        List<Target> targets = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString("");
                targets.add(new Target(
                        panel.path("title").asString(""),
                        target.path("refId").asString(""),
                        expr,
                        substitute(expr, values)));
            }
        }
        return targets;
    }

    private Map<String, String> variables() {
        Map<String, String> values = new LinkedHashMap<>();
        for (JsonNode variable : root.path("templating").path("list")) {
            String name = variable.path("name").asString();
            JsonNode current = variable.path("current").path("value");
            String value = current.isArray() ? current.path(0).asString("") : current.asString("");
            if ("$__all".equals(value)) {
                value = variable.path("allValue").asString("");
                if (value.isEmpty()) {
                    throw new IllegalStateException("variable " + name + " selects All without an allValue");
                }
            }
            values.put(name, value);
        }
        return values;
    }

    private static String substitute(String expr, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(expr);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null
                    ? matcher.group(1)
                    : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalStateException("unknown variable $" + name + " in " + expr);
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }
}
