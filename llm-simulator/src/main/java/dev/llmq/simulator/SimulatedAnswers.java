package dev.llmq.simulator;

/**
 * The rule the simulator answers by, public so that other modules' tests can compute the answer they expect.
 */
public final class SimulatedAnswers {

    private static final String PREFIX = "Simulated answer to: ";

    private SimulatedAnswers() {}

    /** Returns the full (untruncated) answer the simulator gives when the last user message is {@code lastUserMessage}. */
    public static String answerFor(String lastUserMessage) {
        return PREFIX + lastUserMessage;
    }
}
