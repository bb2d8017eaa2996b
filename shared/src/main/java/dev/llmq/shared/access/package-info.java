/** API keys and tenant limits as stored: key ids, key records and per-tenant limits, each validating itself. */
@NullMarked
package dev.llmq.shared.access;

import org.jspecify.annotations.NullMarked;
