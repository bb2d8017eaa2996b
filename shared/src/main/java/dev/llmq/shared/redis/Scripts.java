package dev.llmq.shared.redis;

/** The Lua scripts the work queue runs; each touches keys of one slot only. */
final class Scripts {

    /** KEYS: result, status. ARGV: running. Returns the stored outcome, or marks the query running. */
    static final String BEGIN = """
            local stored = redis.call('GET', KEYS[1])
            if stored then
              return stored
            end
            redis.call('SET', KEYS[2], ARGV[1], 'XX', 'KEEPTTL')
            return false
            """;

    /** KEYS: result, status. ARGV: outcome JSON, TTL ms. The first stored outcome wins; only it is published. */
    static final String FINISH = """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              redis.call('PUBLISH', KEYS[1], ARGV[1])
              redis.call('DEL', KEYS[2])
              return 1
            end
            return 0
            """;

    /**
     * KEYS: stream. ARGV: group, consumer, entry ids. Resets the idle time of the entries the consumer still owns (no
     * delivery counted); returns the ids it no longer owns.
     */
    static final String KEEP_ALIVE = """
            local lost = {}
            for i = 3, #ARGV do
              local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
              if #pending == 1 and pending[1][2] == ARGV[2] then
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
              else
                table.insert(lost, ARGV[i])
              end
            end
            return lost
            """;

    /** KEYS: stream. ARGV: group, consumer, entry ids. Makes the entries look long idle so the next claim takes them. */
    static final String RELEASE = """
            for i = 3, #ARGV do
              redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', 86400000, 'JUSTID')
            end
            return 'OK'
            """;

    /**
     * KEYS: stream. ARGV: group, minimum idle ms, own consumer. Deletes consumers that hold no pending entry and have
     * not read for that long (workers that stopped); atomic, so a consumer cannot take an entry between check and
     * delete.
     */
    static final String REMOVE_IDLE_CONSUMERS = """
            local removed = 0
            for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              local fields = {}
              for i = 1, #consumer, 2 do
                fields[consumer[i]] = consumer[i + 1]
              end
              if fields['name'] ~= ARGV[3] and fields['pending'] == 0 and fields['idle'] > tonumber(ARGV[2]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
                removed = removed + 1
              end
            end
            return removed
            """;

    private Scripts() {}
}
