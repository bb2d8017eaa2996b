package dev.llmq.api.access;

/** How the api-service treats a client that sends no API key. */
enum AccessMode {
    /** An admin key is set: every endpoint but health and the Prometheus scrape needs an API key (401 without one). */
    KEYS_REQUIRED,
    /** No admin key, protected mode on: loopback clients are served as tenant {@code local}, others get 403. */
    LOOPBACK_ONLY,
    /** No admin key, protected mode off: every client is served as tenant {@code local}. */
    OPEN
}
