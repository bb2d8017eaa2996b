package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import java.util.List;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;

/**
 * The Lua scripts the work queue runs; each touches keys of one slot only, but {@link #ACKNOWLEDGE_FINISHED}, which
 * runs only where all keys live on one primary (a single server or a Sentinel-watched primary).
 */
final class Scripts {

    /**
     * KEYS: idempotency key, stream. ARGV: fingerprint:id, window ms, query field, query JSON. Returns what the key
     * recorded earlier; else records this query and appends it, atomically, so concurrent repeats enqueue once.
     */
    static final String ENQUEUE_ONCE = """
            local earlier = redis.call('GET', KEYS[1])
            if earlier then
              return earlier
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('XADD', KEYS[2], '*', ARGV[3], ARGV[4])
            return false
            """;

    /**
     * KEYS: tenant in-flight set. ARGV: now ms, until ms, cap, id. Forgets members past their time, then counts the
     * query unless the tenant is at its cap; returns 1 if admitted.
     */
    static final String ADMIT_IN_FLIGHT = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
              return 0
            end
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
            redis.call('PEXPIREAT', KEYS[1], ARGV[2])
            return 1
            """;

    /**
     * KEYS: stream, retry set, and on one server the status record. ARGV: group, consumer, entry id, due (epoch ms), next
     * attempt's JSON, and with the status record its "queued again" value and TTL ms. Takes the entry off the stream and
     * schedules the retry only while the consumer still owns the entry, so that a repeat (after a failure that left the
     * caller unsure whether the first try ran) or a worker whose entry was reclaimed meanwhile cannot schedule the
     * attempt twice; the status record (if it still exists) says queued in the same step, before any worker can take
     * the retry and mark it running. Returns 1 if it scheduled.
     */
    static final String SCHEDULE_RETRY = """
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
            if #pending == 0 or pending[1][2] ~= ARGV[2] then
              return 0
            end
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
            redis.call('XDEL', KEYS[1], ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
            if #KEYS == 3 then
              redis.call('SET', KEYS[3], ARGV[6], 'XX', 'PX', ARGV[7])
            end
            return 1
            """;

    /**
     * KEYS: result, status, partial answer. ARGV: outcome JSON, TTL ms, {@code 1} if a partial answer may exist (else
     * {@code 0}: its {@code DEL} is skipped, one command fewer for an answer that never streamed). The first stored
     * outcome wins; only it is published. Returns 1 if stored, 0 if an earlier outcome stands, -1 if the server does not
     * know the query (no status record, no outcome): it was submitted on a primary that failed over before passing it
     * on, or its record expired. Such an outcome is not stored: the id may be issued again on this server, and the new
     * query would find the lost one's answer. The status record and partial answer go either way: a status record
     * beside an outcome would say the query is unfinished.
     */
    static final String FINISH = """
            local known = redis.call('DEL', KEYS[2])
            if ARGV[3] == '1' then
              redis.call('DEL', KEYS[3])
            end
            if known == 0 and redis.call('EXISTS', KEYS[1]) == 0 then
              return -1
            end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              redis.call('PUBLISH', KEYS[1], ARGV[1])
              return 1
            end
            return 0
            """;

    /**
     * KEYS: id counter. ARGV: an id seen issued. Raises the counter to the id if it is behind (a failover lost the
     * increments that issued it), so that the id is not issued again; returns 1 if it raised it.
     */
    static final String RAISE_ID_COUNTER = """
            if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
              redis.call('SET', KEYS[1], ARGV[1])
              return 1
            end
            return 0
            """;

    /**
     * KEYS: stream, then each entry's query's result and status record, in pairs. ARGV: group, then the entry ids in
     * the same order. Acknowledges and deletes the entries whose query has an outcome here, or no status record (it
     * expired), and leaves the others pending, to be reclaimed and run again: their outcome was stored on a primary
     * that failed over before it reached the replica now in charge. One {@code EXISTS} over all results decides the
     * common case; only when some are missing is each looked at. Returns the ids left pending.
     */
    static final String ACKNOWLEDGE_FINISHED = """
            local ids = {}
            local kept = {}
            local results = {}
            for i = 2, #KEYS, 2 do
              results[#results + 1] = KEYS[i]
            end
            if redis.call('EXISTS', unpack(results)) == #results then
              for i = 2, #ARGV do
                ids[#ids + 1] = ARGV[i]
              end
            else
              for i = 2, #ARGV do
                local result = KEYS[2 * i - 2]
                local status = KEYS[2 * i - 1]
                if redis.call('EXISTS', result) == 1 or redis.call('EXISTS', status) == 0 then
                  ids[#ids + 1] = ARGV[i]
                else
                  kept[#kept + 1] = ARGV[i]
                end
              end
            end
            if #ids > 0 then
              redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
              redis.call('XDEL', KEYS[1], unpack(ids))
            end
            return kept
            """;

    /**
     * KEYS: stream. ARGV: group, consumer, prefix, entry ids. Resets the idle time of the entries the consumer still
     * owns (no delivery counted); returns the ids another consumer now owns, each with the prefix. An entry pending
     * for no one was acknowledged (its outcome is stored, usually by this very worker a moment before) and is not
     * reported: under load the worker's own finish often lands between its snapshot of held entries and this script.
     * One {@code XPENDING} lists the consumer's own entries and one {@code XCLAIM} per 1,000 of them refreshes them,
     * whatever their number (a worker with thousands of slow calls in flight refreshes them every few seconds); only an
     * entry not among them is looked up alone, to tell one another consumer took from one acknowledged.
     */
    static final String KEEP_ALIVE = """
            local wanted = {}
            local count = 0
            for i = 4, #ARGV do
              wanted[ARGV[i]] = true
              count = count + 1
            end
            local owned = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', count + 100, ARGV[2])
            local claim = {}
            for _, entry in ipairs(owned) do
              if wanted[entry[1]] then
                wanted[entry[1]] = nil
                table.insert(claim, entry[1])
              end
            end
            for from = 1, #claim, 1000 do
              local args = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0}
              for i = from, math.min(from + 999, #claim) do
                table.insert(args, claim[i])
              end
              table.insert(args, 'JUSTID')
              redis.call(unpack(args))
            end
            local lost = {}
            for id in pairs(wanted) do
              local pending = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
              if #pending == 1 and pending[1][2] ~= ARGV[2] then
                table.insert(lost, ARGV[3] .. id)
              end
            end
            return lost
            """;

    /**
     * KEYS: stream. ARGV: group, consumer, prefix (unused), entry ids. Makes the entries look long idle so the next
     * claim takes them.
     */
    static final String RELEASE = """
            for i = 4, #ARGV do
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

    /**
     * KEYS: retry set, high, normal and low streams. ARGV: now (epoch ms), max, query field. Moves due retries onto the
     * stream of their priority; atomic, so each is moved exactly once however many workers run this.
     */
    static final String PROMOTE_DUE_RETRIES = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, query in ipairs(due) do
              local stream = KEYS[3]
              local ok, decoded = pcall(cjson.decode, query)
              if ok and type(decoded) == 'table' then
                if decoded['priority'] == 'high' then
                  stream = KEYS[2]
                elseif decoded['priority'] == 'low' then
                  stream = KEYS[4]
                end
              end
              redis.call('XADD', stream, '*', ARGV[3], query)
              redis.call('ZREM', KEYS[1], query)
            end
            return #due
            """;

    /**
     * KEYS: pause, in-flight, provider requests, provider tokens, model requests, model tokens. ARGV: window ms,
     * unique id, tokens, concurrency limit, lease ms, call id, then the four budgets' limits (0: none). Returns 0 and
     * records the call when it may go now, else the milliseconds to wait. Uses Redis's clock.
     */
    static final String ACQUIRE_PROVIDER_BUDGET = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local window = tonumber(ARGV[1])
            local tokens = tonumber(ARGV[3])
            local maxConcurrent = tonumber(ARGV[4])
            local function requestWait(key, limit)
              if limit <= 0 then return 0 end
              redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
              if redis.call('ZCARD', key) >= limit then
                local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
                return math.max(tonumber(oldest[2]) + window - now, 1)
              end
              return 0
            end
            local function tokenWait(key, limit)
              if limit <= 0 then return 0 end
              redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
              local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
              local used = 0
              for i = 1, #entries, 2 do
                used = used + tonumber(string.match(entries[i], ':(%d+)$'))
              end
              local excess = used + tokens - limit
              if excess <= 0 or #entries == 0 then return 0 end
              -- wait until enough of the oldest calls leave the window to make room
              local freed = 0
              for i = 1, #entries, 2 do
                freed = freed + tonumber(string.match(entries[i], ':(%d+)$'))
                if freed >= excess or i + 2 > #entries then
                  return math.max(tonumber(entries[i + 1]) + window - now, 1)
                end
              end
              return 1
            end
            local pausedUntil = tonumber(redis.call('GET', KEYS[1]) or '0')
            if pausedUntil > now then
              return pausedUntil - now
            end
            local wait = 0
            if maxConcurrent > 0 then
              redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
              if redis.call('ZCARD', KEYS[2]) >= maxConcurrent then
                -- nobody knows when a call ends: ask again soon
                wait = 200
              end
            end
            wait = math.max(wait, requestWait(KEYS[3], tonumber(ARGV[7])), tokenWait(KEYS[4], tonumber(ARGV[8])),
                            requestWait(KEYS[5], tonumber(ARGV[9])), tokenWait(KEYS[6], tonumber(ARGV[10])))
            if wait > 0 then
              return wait
            end
            for i = 3, 5, 2 do
              if tonumber(ARGV[4 + i]) > 0 then
                redis.call('ZADD', KEYS[i], now, ARGV[2])
                redis.call('PEXPIRE', KEYS[i], window)
              end
              if tonumber(ARGV[5 + i]) > 0 then
                redis.call('ZADD', KEYS[i + 1], now, ARGV[2] .. ':' .. tokens)
                redis.call('PEXPIRE', KEYS[i + 1], window)
              end
            end
            if maxConcurrent > 0 then
              redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[6])
              redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]))
            end
            return 0
            """;

    /**
     * KEYS: provider requests, provider tokens, model requests, model tokens. ARGV: call's member, its tokens, window
     * ms. Moves a granted call's entries in the windows to now (Redis's clock), where they still are.
     */
    static final String RESTAMP_CALL = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            for i = 1, 4 do
              local member = ARGV[1]
              if i % 2 == 0 then
                member = ARGV[1] .. ':' .. ARGV[2]
              end
              if redis.call('ZADD', KEYS[i], 'XX', 'CH', now, member) == 1 then
                redis.call('PEXPIRE', KEYS[i], ARGV[3])
              end
            end
            return 'OK'
            """;

    /** KEYS: pause. ARGV: duration ms. Extends the pause to now + duration unless it already lasts longer. */
    static final String PAUSE_PROVIDER = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local untilMs = now + tonumber(ARGV[1])
            local current = tonumber(redis.call('GET', KEYS[1]) or '0')
            if untilMs > current then
              redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]))
            end
            return untilMs
            """;

    /**
     * KEYS: partial answer. ARGV: offset, text, TTL ms, channel. Appends the piece if it starts where the partial
     * answer ends (a retried attempt starts again from 0), then announces it.
     */
    static final String APPEND_DELTA = """
            local length = redis.call('STRLEN', KEYS[1])
            local offset = tonumber(ARGV[1])
            if offset == 0 and length > 0 then
              redis.call('DEL', KEYS[1])
              length = 0
            end
            if offset ~= length then
              return -1
            end
            redis.call('APPEND', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
            redis.call('PUBLISH', ARGV[4], cjson.encode({offset = offset, text = ARGV[2]}))
            return length + string.len(ARGV[2])
            """;

    /** Runs {@link #RAISE_ID_COUNTER} for {@code id}, alone ({@link RScript}) or in a pipeline. */
    static RFuture<Long> raiseIdCounter(RScriptAsync scripts, QueryId id) {
        return scripts.evalAsync(
                RScript.Mode.READ_WRITE,
                RAISE_ID_COUNTER,
                RScript.ReturnType.LONG,
                List.of(RedisKeys.QUERY_ID_COUNTER),
                Long.toString(id.value()));
    }

    private Scripts() {}
}
