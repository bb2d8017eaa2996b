/** Who is calling: API keys, tenants and their limits, and the loopback-only protected mode without keys. */
@NullMarked
package dev.llmq.api.access;

import org.jspecify.annotations.NullMarked;
