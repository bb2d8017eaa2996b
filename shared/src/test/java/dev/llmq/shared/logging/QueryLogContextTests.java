package dev.llmq.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.TenantId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class QueryLogContextTests {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void aScopeNamesTheQueryAndTenantUntilItCloses() {
        try (var scope = QueryLogContext.open(new QueryId(7), new TenantId("acme"))) {
            assertThat(MDC.get(QueryLogContext.QUERY_ID)).isEqualTo("7");
            assertThat(MDC.get(QueryLogContext.TENANT)).isEqualTo("acme");
        }

        assertThat(MDC.get(QueryLogContext.QUERY_ID)).isNull();
        assertThat(MDC.get(QueryLogContext.TENANT)).isNull();
    }

    @Test
    void aQueryIdentifiedInsideATenantScopeIsGoneWhenTheScopeCloses() {
        MDC.put("traceId", "kept");
        try (var scope = QueryLogContext.open(new TenantId("acme"))) {
            assertThat(MDC.get(QueryLogContext.QUERY_ID)).isNull();
            QueryLogContext.identify(new QueryId(9));
            assertThat(MDC.get(QueryLogContext.QUERY_ID)).isEqualTo("9");
        }

        assertThat(MDC.get(QueryLogContext.QUERY_ID)).isNull();
        assertThat(MDC.get(QueryLogContext.TENANT)).isNull();
        assertThat(MDC.get("traceId")).as("other fields are left alone").isEqualTo("kept");
    }

    @Test
    void aNestedScopeRestoresTheOuterOne() {
        try (var outer = QueryLogContext.open(new QueryId(1), new TenantId("a"))) {
            try (var inner = QueryLogContext.open(new QueryId(2), new TenantId("b"))) {
                assertThat(MDC.get(QueryLogContext.QUERY_ID)).isEqualTo("2");
            }
            assertThat(MDC.get(QueryLogContext.QUERY_ID)).isEqualTo("1");
            assertThat(MDC.get(QueryLogContext.TENANT)).isEqualTo("a");
        }
    }
}
