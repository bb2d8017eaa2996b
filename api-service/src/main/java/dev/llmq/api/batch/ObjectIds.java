package dev.llmq.api.batch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Issues and checks the ids of files ({@code file-…}), batches ({@code batch_…}) and batch requests. */
final class ObjectIds {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern FILE = Pattern.compile("file-[A-Za-z0-9]{24}");
    private static final Pattern BATCH = Pattern.compile("batch_[A-Za-z0-9]{24}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ObjectIds() {}

    static String newFileId() {
        return "file-" + random();
    }

    static String newBatchId() {
        return "batch_" + random();
    }

    /** The same id every time for the same seed: output files and request ids, written idempotently. */
    static String derivedFileId(String seed) {
        return "file-" + digest(seed);
    }

    static String requestId(String batchId, int line) {
        return "batch_req_" + digest(batchId + ":" + line);
    }

    /** Refuses anything not shaped like a file id before it can become part of a Redis key. */
    static String requireFileId(String id, String name) {
        if (!FILE.matcher(id).matches()) {
            throw new InvalidBatchRequestException("'" + name + "' must be a file id: file- and 24 letters or digits");
        }
        return id;
    }

    static String requireBatchId(String id) {
        if (!BATCH.matcher(id).matches()) {
            throw new InvalidBatchRequestException("'batch_id' must be a batch id: batch_ and 24 letters or digits");
        }
        return id;
    }

    static boolean isFileId(String id) {
        return FILE.matcher(id).matches();
    }

    static boolean isBatchId(String id) {
        return BATCH.matcher(id).matches();
    }

    private static String random() {
        StringBuilder id = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    private static String digest(String seed) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            StringBuilder id = new StringBuilder(24);
            for (int i = 0; i < 24; i++) {
                id.append(ALPHABET.charAt((hash[i] & 0xff) % ALPHABET.length()));
            }
            return id.toString();
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every JVM has SHA-256", ex);
        }
    }
}
