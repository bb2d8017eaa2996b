package dev.llmq.simulator.fault;

/** A fault spec that does not follow the grammar: an unknown name, an unknown parameter or a bad value. */
public final class InvalidFaultException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    InvalidFaultException(String spec, String problem) {
        super("Invalid fault '" + spec + "': " + problem);
    }
}
