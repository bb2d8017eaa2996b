package dev.llmq.simulator.control;

import dev.llmq.simulator.error.OpenAiApiException;
import dev.llmq.simulator.fault.FaultRule;
import dev.llmq.simulator.fault.FaultRuleStatus;
import dev.llmq.simulator.requestlog.LoggedRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code /simulator/*} endpoints: fault rules, account-wide limits and the request log, for tests in other
 * processes. Bodies are JSON objects; unknown fields are rejected.
 */
@RestController
@RequestMapping("/simulator")
class SimulatorControlController {

    private final SimulatorControl control;
    private final JsonMapper jsonMapper;

    SimulatorControlController(SimulatorControl control, JsonMapper jsonMapper) {
        this.control = control;
        this.jsonMapper = jsonMapper;
    }

    @GetMapping("/faults")
    List<FaultRuleStatus> faults() {
        return control.faults();
    }

    @PostMapping("/faults")
    FaultRuleStatus addFault(@RequestBody(required = false) byte @Nullable [] body) {
        return control.addFault(read(body, FaultRule.class));
    }

    @DeleteMapping("/faults")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void clearFaults() {
        control.clearFaults();
    }

    @GetMapping("/limits")
    LimitsView limits() {
        return LimitsView.of(control.limits(), control.limitState());
    }

    @PostMapping("/limits")
    LimitsView setLimits(@RequestBody(required = false) byte @Nullable [] body) {
        LimitsBody limits = read(body, LimitsBody.class);
        try {
            control.setLimits(limits.toLimits());
        } catch (IllegalArgumentException ex) {
            throw OpenAiApiException.invalidRequest(String.valueOf(ex.getMessage()), null, null);
        }
        return limits();
    }

    @DeleteMapping("/limits")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void clearLimits() {
        control.clearLimits();
    }

    @GetMapping("/requests")
    List<LoggedRequest> requests() {
        return control.requests();
    }

    @DeleteMapping("/requests")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void clearRequests() {
        control.clearRequests();
    }

    private <T> T read(byte @Nullable [] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw OpenAiApiException.invalidRequest("The request body must be a JSON object.", null, null);
        }
        try {
            return jsonMapper
                    .readerFor(type)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(body);
        } catch (JacksonException ex) {
            Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
            String message = cause instanceof IllegalArgumentException || cause instanceof NullPointerException
                    ? cause.getMessage()
                    : ex.getOriginalMessage();
            throw OpenAiApiException.invalidRequest("Invalid body: " + message, null, null);
        }
    }
}
