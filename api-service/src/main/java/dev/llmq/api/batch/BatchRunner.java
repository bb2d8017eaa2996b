package dev.llmq.api.batch;

import dev.llmq.api.query.ApiProperties;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.redis.BatchStore;
import dev.llmq.shared.redis.QueryControl;
import dev.llmq.shared.redis.ResultStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Does a batch's work: enqueues its lines (at the batch priority, with the window's end as deadline, outside the tenant's
 * in-flight cap), collects finished lines into result lines, cancels on request and finalizes the output files. Each
 * step is idempotent and runs under the batch's lease, so any replica may resume a batch another one left.
 */
@Component
class BatchRunner {

    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final int CHUNKS_PER_STEP = 5;

    private final AtomicLong rotation = new AtomicLong();

    private final BatchStore store;
    private final ResultStore results;
    private final QueryControl control;
    private final BatchFinisher finisher;
    private final ApiProperties api;
    private final BatchProperties properties;
    private final Clock clock;

    BatchRunner(
            BatchStore store,
            ResultStore results,
            QueryControl control,
            BatchFinisher finisher,
            ApiProperties api,
            BatchProperties properties,
            Clock clock) {
        this.store = store;
        this.results = results;
        this.control = control;
        this.finisher = finisher;
        this.api = api;
        this.properties = properties;
        this.clock = clock;
    }

    /** Enqueues a new batch's lines under a lease of its own; a replica's sweep resumes if this one dies. */
    void submit(BatchRecord batch, List<BatchStore.Line> lines) {
        String owner = "create-" + UUID.randomUUID();
        if (store.tryLease(batch.ref(), owner, LEASE)) {
            try {
                submitFrom(batch, lines, owner);
            } finally {
                store.releaseLease(batch.ref(), owner);
            }
        }
    }

    /** One sweep of an active batch, run by the lease holder. */
    void step(BatchStore.BatchRef ref, String owner) {
        var fields = store.batch(ref.tenant(), ref.batchId());
        if (fields.isEmpty()) {
            store.deactivate(ref);
            return;
        }
        BatchRecord batch = new BatchRecord(ref.tenant(), ref.batchId(), fields.get());
        switch (batch.status()) {
            case IN_PROGRESS, VALIDATING -> {
                if (batch.submittedLines() < batch.total()) {
                    resume(batch, owner);
                }
            }
            case CANCELLING -> cancelRest(batch);
            case FINALIZING -> {
                // collected already; only the files are left to write
            }
            case FAILED, COMPLETED, EXPIRED, CANCELLED -> {
                store.deactivate(ref);
                return;
            }
        }
        collect(batch);
        finisher.finishIfDone(ref);
    }

    private void submitFrom(BatchRecord batch, List<BatchStore.Line> lines, String owner) {
        Instant deadline = Instant.ofEpochSecond(batch.expiresAt());
        Submission submission = new Submission(batch.tenant(), properties.batchPriority(), deadline);
        Duration window = properties.batchTtl();
        for (int first = batch.submittedLines(); first < lines.size(); first += properties.batchChunk()) {
            if (first > batch.submittedLines() && !stillInProgress(batch)
                    || !store.tryLease(batch.ref(), owner, LEASE)) {
                return;
            }
            // maxInFlight 0: batch work never counts against the tenant's interactive in-flight cap
            store.submitLines(
                    batch.ref(),
                    first,
                    lines.subList(first, Math.min(lines.size(), first + properties.batchChunk())),
                    submission,
                    window);
        }
        log.info("batch={} tenant={} submitted {} lines", batch.id(), batch.tenant(), lines.size());
    }

    private boolean stillInProgress(BatchRecord batch) {
        return store.batch(batch.tenant(), batch.id())
                .map(fields -> BatchStatus.IN_PROGRESS.wireName().equals(fields.get("status")))
                .orElse(false);
    }

    private void resume(BatchRecord batch, String owner) {
        log.info(
                "batch={} tenant={} resuming submission at line {}",
                batch.id(),
                batch.tenant(),
                batch.submittedLines());
        List<BatchStore.Line> lines = inputLines(batch);
        if (lines.size() == batch.total()) {
            submitFrom(batch, lines, owner);
        } else {
            failUnsubmitted(batch, lines, "input_file_unavailable", "the batch's input file is no longer available");
        }
    }

    /** Cancels every unfinished query of the batch and records lines never enqueued as cancelled. */
    private void cancelRest(BatchRecord batch) {
        for (BatchStore.Pending pending : store.pendingLines(batch.ref()).values()) {
            control.cancel(pending.id(), batch.tenant());
        }
        if (batch.submittedLines() < batch.total()) {
            failUnsubmitted(
                    batch, inputLines(batch), "batch_cancelled", "the batch was cancelled before this request ended");
        }
    }

    private void failUnsubmitted(BatchRecord batch, List<BatchStore.Line> lines, String code, String message) {
        List<BatchStore.ResultLine> failed = new ArrayList<>();
        for (int line = batch.submittedLines(); line < batch.total(); line++) {
            String customId = line < lines.size() ? lines.get(line).customId() : "";
            failed.add(ResultLines.error(batch.id(), line, customId, code, message));
        }
        store.recordResults(batch.ref(), failed);
    }

    private List<BatchStore.Line> inputLines(BatchRecord batch) {
        return store.fileContent(batch.tenant(), batch.inputFileId())
                .map(content -> BatchInput.parse(content, api, properties.maxFileLines()))
                .map(parsed -> parsed instanceof BatchInput.Valid valid ? valid.lines() : List.<BatchStore.Line>of())
                .orElse(List.of());
    }

    /**
     * Reads the outcomes of pending lines in pipelined chunks and records the finished ones. A step checks at most
     * {@link #CHUNKS_PER_STEP} chunks, a different slice each time, so a 50,000-line batch costs Redis a bounded amount
     * per sweep; every line is still seen within a few sweeps.
     */
    private void collect(BatchRecord batch) {
        List<Map.Entry<Integer, BatchStore.Pending>> all =
                new ArrayList<>(store.pendingLines(batch.ref()).entrySet());
        int limit = properties.batchChunk() * CHUNKS_PER_STEP;
        List<Map.Entry<Integer, BatchStore.Pending>> pending = all;
        if (all.size() > limit) {
            int start = (int) (rotation.getAndAdd(limit) % all.size());
            pending = new ArrayList<>(all.subList(start, Math.min(all.size(), start + limit)));
            pending.addAll(all.subList(0, Math.max(0, start + limit - all.size())));
        }
        boolean pastWindow = clock.instant().getEpochSecond() > batch.expiresAt();
        for (int from = 0; from < pending.size(); from += properties.batchChunk()) {
            var chunk = pending.subList(from, Math.min(pending.size(), from + properties.batchChunk()));
            var outcomes = store.outcomes(
                    chunk.stream().map(entry -> entry.getValue().id()).toList());
            List<BatchStore.ResultLine> finished = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                String outcome = outcomes.get(i);
                BatchStore.Pending line = chunk.get(i).getValue();
                if (BatchStore.IN_PROGRESS.equals(outcome)) {
                    if (pastWindow) {
                        expireIfQueued(line);
                    }
                    continue;
                }
                finished.add(ResultLines.of(batch.id(), chunk.get(i).getKey(), line.customId(), outcome));
            }
            store.recordResults(batch.ref(), finished);
        }
    }

    /** Ends a query still queued after the window (no worker took it) as expired, as a worker would. */
    private void expireIfQueued(BatchStore.Pending line) {
        if (results.lookup(line.id()) instanceof QueryLookup.InProgress inProgress
                && inProgress.status() == dev.llmq.shared.query.QueryStatus.QUEUED) {
            control.expire(inProgress.state());
        }
    }
}
