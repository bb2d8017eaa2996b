package dev.llmq.simulator.requestlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bounded request log and its live entries. */
class RequestLogTests {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00.123Z");

    private final RequestLog log = new RequestLog(3, () -> NOW);

    @Test
    void keepsOnlyTheNewestEntriesInArrivalOrder() {
        IntStream.range(0, 5).forEach(i -> log.arrive());

        assertThat(log.entries()).extracting(LoggedRequest::sequence).containsExactly(3L, 4L, 5L);
    }

    @Test
    void goesOnNumberingAfterBeingCleared() {
        log.arrive();
        log.clear();
        log.arrive();

        assertThat(log.entries()).extracting(LoggedRequest::sequence).containsExactly(2L);
    }

    @Test
    void startsAnEntryPendingAndShowsItAsTheReplyFillsItIn() {
        RequestRecord record = log.arrive();
        LoggedRequest arrived = log.entries().getFirst();

        record.describe("gpt-4o", "hi", true);
        record.answer(LoggedRequest.fault("stall-mid-stream"), "stall-mid-stream;after-tokens=1;seconds=30", 200);
        record.tokenSent();
        record.clientDisconnected();

        assertThat(arrived.outcome()).isEqualTo(LoggedRequest.PENDING);
        assertThat(arrived.model()).isNull();
        assertThat(arrived.completed()).isFalse();
        assertThat(log.entries().getFirst())
                .isEqualTo(new LoggedRequest(
                        1,
                        NOW.toEpochMilli(),
                        NOW,
                        "gpt-4o",
                        "hi",
                        true,
                        "fault:stall-mid-stream",
                        "stall-mid-stream;after-tokens=1;seconds=30",
                        200,
                        1,
                        true,
                        true));
    }
}
