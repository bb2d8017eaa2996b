/**
 * The client's TCP connection as the replies see it: noticing that the client went away (during a pause or a stall,
 * not only on the next write) and dropping the connection without the rest of a response.
 */
@NullMarked
package dev.llmq.simulator.connection;

import org.jspecify.annotations.NullMarked;
