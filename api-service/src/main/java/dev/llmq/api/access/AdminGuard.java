package dev.llmq.api.access;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;

/** The admin controllers' second check that the access filter let the admin key through for this very request. */
final class AdminGuard {

    private AdminGuard() {}

    static void requireAdmin(HttpServletRequest request) {
        if (request.getAttribute(AccessFilter.ADMIN_ATTRIBUTE) != Boolean.TRUE) {
            throw new AdminRequestException(
                    HttpStatus.FORBIDDEN, "Admin key required", "the admin endpoints need the admin key");
        }
    }
}
