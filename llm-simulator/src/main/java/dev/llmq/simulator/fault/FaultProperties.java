package dev.llmq.simulator.fault;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Run-wide faults at startup, under {@code llmq.simulator.faults}: the default random {@code seed} of probability
 * rules and the initial {@code rules}, e.g. {@code llmq.simulator.faults.rules[0].fault=503} with
 * {@code llmq.simulator.faults.rules[0].count=3}.
 */
@ConfigurationProperties("llmq.simulator.faults")
record FaultProperties(
        @DefaultValue("0") long seed, @DefaultValue List<FaultRule> rules) {

    FaultProperties {
        rules = List.copyOf(rules);
    }
}
