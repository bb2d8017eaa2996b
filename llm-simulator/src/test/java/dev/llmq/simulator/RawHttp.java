package dev.llmq.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket, for what no HTTP client shows: a connection closed without a response, a cut body. */
public final class RawHttp {

    private RawHttp() {}

    /**
     * Sends one POST of {@code body} as JSON to {@code path} with extra header lines, and returns every byte the
     * server sent until it closed the connection (reset or not).
     */
    public static String postAndReadUntilClosed(int port, String path, String body, String... headerLines) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder()
                    .append("POST ")
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ")
                    .append(bytes.length)
                    .append("\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return readUntilClosed(socket.getInputStream());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException ex) {
            // a reset ends the connection too
        }
        return received.toString(StandardCharsets.UTF_8);
    }
}
