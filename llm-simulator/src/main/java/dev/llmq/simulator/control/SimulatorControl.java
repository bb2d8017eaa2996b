package dev.llmq.simulator.control;

import dev.llmq.simulator.fault.FaultPlan;
import dev.llmq.simulator.fault.FaultRule;
import dev.llmq.simulator.fault.FaultRuleStatus;
import dev.llmq.simulator.limit.AccountLimiter;
import dev.llmq.simulator.limit.RateLimitState;
import dev.llmq.simulator.limit.RateLimits;
import dev.llmq.simulator.requestlog.LoggedRequest;
import dev.llmq.simulator.requestlog.RequestLog;
import java.util.List;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The in-process counterpart of the {@code /simulator/*} endpoints, for tests that start the simulator in their own
 * JVM: get it with {@link #of} from the context {@code LlmSimulatorApplication.start} returns, or inject it.
 */
@Component
public class SimulatorControl {

    private final FaultPlan faults;
    private final AccountLimiter limiter;
    private final RequestLog requestLog;

    SimulatorControl(FaultPlan faults, AccountLimiter limiter, RequestLog requestLog) {
        this.faults = faults;
        this.limiter = limiter;
        this.requestLog = requestLog;
    }

    /** The control of the simulator running in {@code simulator}. */
    public static SimulatorControl of(ApplicationContext simulator) {
        return simulator.getBean(SimulatorControl.class);
    }

    /** The logged chat completion requests, oldest first. */
    public List<LoggedRequest> requests() {
        return requestLog.entries();
    }

    /** Empties the request log. */
    public void clearRequests() {
        requestLog.clear();
    }

    /** The active fault rules, in the order they are tried. */
    public List<FaultRuleStatus> faults() {
        return faults.rules();
    }

    /** Adds {@code rule} after the active ones. */
    public FaultRuleStatus addFault(FaultRule rule) {
        return faults.add(rule);
    }

    /** Makes {@code rule} the only fault rule. */
    public FaultRuleStatus setFault(FaultRule rule) {
        return faults.replace(rule);
    }

    /** Removes every fault rule, including those configured at startup. */
    public void clearFaults() {
        faults.clear();
    }

    /** The account-wide limits in force. */
    public RateLimits limits() {
        return limiter.limits();
    }

    /** What the x-ratelimit headers would report now. */
    public RateLimitState limitState() {
        return limiter.state();
    }

    /** Replaces the account-wide limits; a fresh window starts. */
    public void setLimits(RateLimits limits) {
        limiter.setLimits(limits);
    }

    /** Lifts every account-wide limit, including those configured at startup. */
    public void clearLimits() {
        limiter.setLimits(RateLimits.unlimited());
    }

    /** Clears the fault rules, the limits and the request log: a clean slate between tests. */
    public void reset() {
        clearFaults();
        clearLimits();
        clearRequests();
    }
}
