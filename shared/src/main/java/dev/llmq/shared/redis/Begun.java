package dev.llmq.shared.redis;

/** What {@link WorkQueue#begin} found: whether the query is to be processed now. */
public sealed interface Begun {

    /** Whether the worker is to call the LLM now. */
    default boolean proceed() {
        return this instanceof Running;
    }

    /** Marked running: process it. */
    record Running() implements Begun {}

    /** An outcome is stored already (an earlier delivery's or a cancel): acknowledge, do not process it again. */
    record Finished(String outcomeJson) implements Begun {}

    /**
     * Redis knows nothing of the query: no status record and no outcome. It was submitted on a primary that failed
     * over before passing it on, or waited past its status TTL; its outcome would not be stored (see {@link
     * Scripts#FINISH}), so it is not processed: the id counter is raised past its id, and the entry is to be
     * acknowledged.
     */
    record Unknown() implements Begun {}
}
