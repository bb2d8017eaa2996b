package dev.llmq.e2e;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The simulator's request log, read over HTTP: what reached the "provider", when, and how it was answered. */
public record SimulatorLog(List<Call> calls) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request the simulator received; {@code sequence} is its arrival number, never reused. */
    public record Call(
            long arrivedAtMillis,
            String prompt,
            String outcome,
            int status,
            boolean clientDisconnected,
            boolean completed,
            long sequence) {}

    public static SimulatorLog read(Cluster cluster) {
        JsonNode root = JSON.readTree(
                cluster.controlSimulator("GET", "/simulator/requests", null).body());
        JsonNode entries = root.isArray() ? root : root.path("requests");
        List<Call> calls = new ArrayList<>();
        for (JsonNode entry : entries) {
            calls.add(new Call(
                    entry.path("arrived_at_epoch_millis").asLong(),
                    entry.path("last_user_message").asString(""),
                    entry.path("outcome").asString(""),
                    entry.path("status_code").asInt(),
                    entry.path("client_disconnected").asBoolean(),
                    entry.path("completed").asBoolean(),
                    entry.path("sequence").asLong()));
        }
        return new SimulatorLog(calls);
    }

    public List<Call> withPrompt(String prompt) {
        return calls.stream().filter(call -> call.prompt().equals(prompt)).toList();
    }

    public long count(String outcome) {
        return calls.stream().filter(call -> call.outcome().equals(outcome)).count();
    }
}
