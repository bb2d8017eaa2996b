package dev.llmq.api.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket, for what no HTTP client can do: send half a request, stall, and see the server hang up. */
final class RawConnection implements AutoCloseable {

    private final Socket socket;

    RawConnection(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(15_000);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    RawConnection send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    RawConnection send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Sends, and reports whether the server still accepted the bytes (false once it has closed the connection). */
    boolean trySend(String text) {
        try {
            send(text);
            return true;
        } catch (UncheckedIOException ex) {
            return false;
        }
    }

    /** Every byte the server sends until it closes the connection (a reset closes it too). */
    String readUntilClosed() {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException ex) {
            throw new AssertionError("the server kept the connection open; received: " + received, ex);
        } catch (SocketException ex) {
            // a reset ends the connection too
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
