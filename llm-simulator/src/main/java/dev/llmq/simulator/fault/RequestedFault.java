package dev.llmq.simulator.fault;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The fault one request asks for itself: the {@value #HEADER} header, else the first {@code [[fault:<spec>]]} marker
 * in its last user message (how tests inject faults through llmq, whose workers send only the prompt).
 */
public final class RequestedFault {

    /** The request header naming a fault for this request only. */
    public static final String HEADER = "X-Simulator-Fault";

    private static final Pattern MARKER = Pattern.compile("\\[\\[fault:(.*?)]]", Pattern.DOTALL);

    private RequestedFault() {}

    /** Returns the fault asked for, or {@code null}; throws {@link InvalidFaultException} for an invalid one. */
    public static @Nullable Fault of(@Nullable String header, String lastUserMessage) {
        if (header != null) {
            return Fault.parse(header);
        }
        Matcher marker = MARKER.matcher(lastUserMessage);
        return marker.find() ? Fault.parse(marker.group(1)) : null;
    }
}
