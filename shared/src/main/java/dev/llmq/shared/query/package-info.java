/** The protocol: what a query is, how it ends, and its JSON form on the stream and in result keys. */
@NullMarked
package dev.llmq.shared.query;

import org.jspecify.annotations.NullMarked;
