package dev.llmq.simulator.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The run-wide fault rules, shared by all clients: for each request the rules are tried in the order they were
 * added and the first that hits gives the fault; a rule whose count is used up is removed.
 */
@Component
public class FaultPlan {

    private final long defaultSeed;
    private final List<ActiveRule> rules = new ArrayList<>();
    private long lastId;
    private CompletableFuture<Void> released = new CompletableFuture<>();

    FaultPlan(FaultProperties properties) {
        this.defaultSeed = properties.seed();
        properties.rules().forEach(this::add);
    }

    /** Adds {@code rule} after the existing ones and returns its status. */
    public synchronized FaultRuleStatus add(FaultRule rule) {
        ActiveRule active = new ActiveRule(++lastId, rule, rule.seed() != null ? rule.seed() : defaultSeed);
        rules.add(active);
        return active.status();
    }

    /** Makes {@code rule} the only rule and returns its status; releases every held reply. */
    public synchronized FaultRuleStatus replace(FaultRule rule) {
        clear();
        return add(rule);
    }

    /** The active rules, in the order they are tried. */
    public synchronized List<FaultRuleStatus> rules() {
        return rules.stream().map(ActiveRule::status).toList();
    }

    /** Removes every rule and releases every reply held until now ({@link Fault.Hold}). */
    public synchronized void clear() {
        rules.clear();
        released.complete(null);
        released = new CompletableFuture<>();
    }

    /**
     * Done when the rules are next removed: a request takes this before its fault is picked, so a {@link Fault.Hold}
     * it is given is released by any removal that comes after.
     */
    public synchronized Future<?> nextRelease() {
        return released;
    }

    /** Picks the fault for the next request, counting it against the rule that hit; {@code null} for none. */
    public synchronized @Nullable Fault next() {
        for (int i = 0; i < rules.size(); i++) {
            ActiveRule rule = rules.get(i);
            if (rule.hits()) {
                if (rule.remaining != null && rule.remaining == 0) {
                    rules.remove(i);
                }
                return rule.fault;
            }
        }
        return null;
    }

    /** A rule with its own random sequence and its counters; guarded by the plan's lock. */
    private static final class ActiveRule {

        private final long id;
        private final FaultRule rule;
        private final long seed;
        private final Fault fault;
        private final Random random;
        private @Nullable Integer remaining;
        private long applied;

        ActiveRule(long id, FaultRule rule, long seed) {
            this.id = id;
            this.rule = rule;
            this.seed = seed;
            this.fault = Fault.parse(rule.fault());
            this.random = new Random(seed);
            this.remaining = rule.count();
        }

        /** Draws whether this rule hits the current request, and counts the hit. */
        boolean hits() {
            Double probability = rule.probability();
            if (probability != null && random.nextDouble() >= probability) {
                return false;
            }
            applied++;
            if (remaining != null) {
                remaining--;
            }
            return true;
        }

        FaultRuleStatus status() {
            return new FaultRuleStatus(id, rule.fault(), rule.count(), rule.probability(), seed, remaining, applied);
        }
    }
}
