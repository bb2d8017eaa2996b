package dev.llmq.simulator.requestlog;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The last {@code llmq.simulator.request-log.capacity} chat completion requests, in arrival order. */
@Component
public class RequestLog {

    private final int capacity;
    private final InstantSource clock;
    private final Deque<RequestRecord> records = new ArrayDeque<>();
    private long lastSequence;

    @Autowired
    RequestLog(RequestLogProperties properties) {
        this(properties.capacity(), InstantSource.system());
    }

    RequestLog(int capacity, InstantSource clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Logs a request arriving now and returns its entry, dropping the oldest entry when the log is full. */
    public synchronized RequestRecord arrive() {
        RequestRecord record = new RequestRecord(++lastSequence, clock.instant());
        if (records.size() == capacity) {
            records.removeFirst();
        }
        records.addLast(record);
        return record;
    }

    /** The entries as they are now, oldest first. */
    public List<LoggedRequest> entries() {
        List<RequestRecord> current;
        synchronized (this) {
            current = List.copyOf(records);
        }
        return current.stream().map(RequestRecord::snapshot).toList();
    }

    /** Forgets every entry; sequence numbers go on from where they were. */
    public synchronized void clear() {
        records.clear();
    }
}
