/** What every service's log lines about a query carry as structured fields. */
@NullMarked
package dev.llmq.shared.logging;

import org.jspecify.annotations.NullMarked;
