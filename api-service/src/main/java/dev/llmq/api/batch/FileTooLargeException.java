package dev.llmq.api.batch;

/** An uploaded file over {@code LLMQ_API_MAX_FILE_SIZE}. */
public class FileTooLargeException extends RuntimeException {

    public FileTooLargeException(long limit) {
        super("files may hold at most " + limit + " bytes (LLMQ_API_MAX_FILE_SIZE)");
    }
}
