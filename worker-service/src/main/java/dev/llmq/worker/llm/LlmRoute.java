package dev.llmq.worker.llm;

import dev.llmq.shared.redis.ProviderLimits;

/** Where one query's LLM call goes: a provider's client and the limits all workers share for that provider. */
public record LlmRoute(String provider, LlmClient client, ProviderLimits limits) {}
