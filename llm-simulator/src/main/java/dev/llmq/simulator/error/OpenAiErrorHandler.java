package dev.llmq.simulator.error;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns every exception, including unknown routes and wrong methods, into an OpenAI-style error response. */
@RestControllerAdvice
class OpenAiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorHandler.class);

    @ExceptionHandler
    ResponseEntity<ErrorBody> handle(OpenAiApiException ex) {
        return ResponseEntity.status(ex.status())
                .headers(ex.headers())
                .contentType(MediaType.APPLICATION_JSON)
                .body(ex.body());
    }

    /** An I/O failure means the client went away mid-request: there is no one left to answer. */
    @ExceptionHandler
    void handle(IOException ex, HttpServletResponse response) {
        log.debug("Connection lost (response committed: {}): {}", response.isCommitted(), ex.toString());
    }

    @ExceptionHandler
    ResponseEntity<ErrorBody> handle(Exception ex, HttpServletRequest request) {
        if (ex instanceof ErrorResponse errorResponse) {
            return ResponseEntity.status(errorResponse.getStatusCode())
                    .headers(errorResponse.getHeaders()) // e.g. Allow, for a wrong method
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(bodyFor(errorResponse, ex, request));
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), ex);
        return respond(
                HttpStatus.INTERNAL_SERVER_ERROR,
                ErrorBody.of(
                        "The server had an error while processing your request.",
                        OpenAiApiException.SERVER_ERROR,
                        null,
                        null));
    }

    private static ErrorBody bodyFor(ErrorResponse errorResponse, Exception ex, HttpServletRequest request) {
        String route = "(" + request.getMethod() + " " + request.getRequestURI() + ")";
        HttpStatusCode status = errorResponse.getStatusCode();
        if (status.value() == HttpStatus.NOT_FOUND.value()) {
            return ErrorBody.of("Invalid URL " + route, OpenAiApiException.INVALID_REQUEST_ERROR, null, null);
        }
        if (ex instanceof HttpRequestMethodNotSupportedException) {
            return ErrorBody.of(
                    "Invalid method for URL " + route, OpenAiApiException.INVALID_REQUEST_ERROR, null, null);
        }
        String type =
                status.is4xxClientError() ? OpenAiApiException.INVALID_REQUEST_ERROR : OpenAiApiException.SERVER_ERROR;
        return ErrorBody.of(ex.getMessage(), type, null, null);
    }

    private static ResponseEntity<ErrorBody> respond(HttpStatusCode status, ErrorBody body) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }
}
