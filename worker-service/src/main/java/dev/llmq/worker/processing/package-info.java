/** Taking queries from the stream, deciding each one's fate, and recovering work abandoned by dead workers. */
@NullMarked
package dev.llmq.worker.processing;

import org.jspecify.annotations.NullMarked;
