package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import java.util.function.Consumer;

/** Tells a worker which queries clients cancelled, so it can abort their LLM calls in progress. */
public interface QueryCancellations extends AutoCloseable {

    /** Calls {@code onCancelled} for every query cancelled from now on, on any api-service replica. */
    void subscribe(Consumer<QueryId> onCancelled);

    @Override
    void close();
}
