package dev.llmq.simulator.fault;

import org.jspecify.annotations.Nullable;

/**
 * An active fault rule: its {@code id} (in order of addition), the rule as given with its effective {@code seed},
 * how many requests it may still hit ({@code null}: unbounded) and how many it has hit.
 */
public record FaultRuleStatus(
        long id,
        String fault,
        @Nullable Integer count,
        @Nullable Double probability,
        long seed,
        @Nullable Integer remaining,
        long applied) {}
