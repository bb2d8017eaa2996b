package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Files, batches and their lines in Redis, for the api-service's Batch API. Every id passed in must already be
 * validated; everything is scoped by tenant, so another tenant's object is simply absent.
 */
public interface BatchStore {

    /** Stores a file's metadata and content and lists it under its tenant, all with {@code ttl}. */
    void saveFile(
            TenantId tenant,
            String fileId,
            long createdAtMillis,
            Map<String, String> meta,
            byte[] content,
            Duration ttl);

    /** The file's metadata, if the tenant has such a file. */
    Optional<Map<String, String>> fileMeta(TenantId tenant, String fileId);

    /** The file's content, if the tenant has such a file. */
    Optional<byte[]> fileContent(TenantId tenant, String fileId);

    /** Deletes the file; false if the tenant had none with that id. */
    boolean deleteFile(TenantId tenant, String fileId);

    /** Up to {@code limit} of the tenant's file ids, newest first, after {@code after} (an id) if given. */
    List<String> fileIds(TenantId tenant, int limit, @Nullable String after);

    /** Stores a new batch's fields, lists it under its tenant and, if {@code active}, for the sweep. */
    void createBatch(
            TenantId tenant,
            String batchId,
            long createdAtMillis,
            Map<String, String> fields,
            boolean active,
            Duration ttl);

    /** The batch's fields (including its counts), if the tenant has such a batch. */
    Optional<Map<String, String>> batch(TenantId tenant, String batchId);

    /** Sets some of an existing batch's fields. */
    void updateBatch(TenantId tenant, String batchId, Map<String, String> fields);

    /** Up to {@code limit} of the tenant's batch ids, newest first, after {@code after} (an id) if given. */
    List<String> batchIds(TenantId tenant, int limit, @Nullable String after);

    /** Batches that still have work to do, oldest first. */
    List<BatchRef> activeBatches();

    /** Takes the batch off the sweep's list. */
    void deactivate(BatchRef batch);

    /** Takes the batch's lease for {@code owner} if free or already its own; false if another replica holds it. */
    boolean tryLease(BatchRef batch, String owner, Duration ttl);

    /** Frees the batch's lease if {@code owner} holds it. */
    void releaseLease(BatchRef batch, String owner);

    /**
     * Enqueues lines {@code firstLine, firstLine+1, ...} once each: a line enqueued before (by a replica that died, say)
     * keeps its query. Records line to query id and the line as pending, then {@code submitted_lines} in the batch.
     */
    List<QueryId> submitLines(BatchRef batch, int firstLine, List<Line> lines, Submission submission, Duration window);

    /** The batch's submitted lines without a recorded result, by line number. */
    Map<Integer, Pending> pendingLines(BatchRef batch);

    /** For each id, pipelined: its stored outcome JSON, {@link #IN_PROGRESS}, or null when Redis knows nothing of it. */
    List<@Nullable String> outcomes(List<QueryId> ids);

    /**
     * Records result lines once each ({@code succeeded}: output file, else error file), counts them in the batch's
     * {@code completed} / {@code failed} and takes them off the pending lines.
     */
    void recordResults(BatchRef batch, List<ResultLine> lines);

    /** Every recorded result line of the batch, by line number. */
    Map<Integer, ResultLine> results(BatchRef batch);

    /** Returned by {@link #outcomes} for a query that has no outcome yet. */
    String IN_PROGRESS = "";

    /** A batch of a tenant. */
    record BatchRef(TenantId tenant, String batchId) {

        /** The form used in the active set: {@code tenant/batchId}. */
        public String member() {
            return tenant.value() + "/" + batchId;
        }
    }

    /** One request of a batch: the client's {@code custom_id} and the query it asks for. */
    record Line(String customId, QueryRequest request) {}

    /** A submitted line waiting for its outcome. */
    record Pending(QueryId id, String customId) {}

    /** One line of a batch's output ({@code succeeded}) or error file. */
    record ResultLine(int line, boolean succeeded, String json) {}
}
