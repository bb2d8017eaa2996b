package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespFrameAlignerTests {

    /** What a subscription connection reads: replies to (P)SUBSCRIBE and PING, and messages, RESP2 and RESP3. */
    private static final String FRAMES = "*3\r\n$10\r\npsubscribe\r\n$14\r\nquery_result_*\r\n:1\r\n"
            + "*4\r\n$8\r\npmessage\r\n$14\r\nquery_result_*\r\n$15\r\nquery_result_42\r\n$20\r\n{\"text\":\"line\nnext\"}\r\n"
            + "*2\r\n$4\r\npong\r\n$0\r\n\r\n"
            + "+PONG\r\n-ERR wrong\r\n$-1\r\n*-1\r\n_\r\n,1.5\r\n#t\r\n(12345678901234567890\r\n"
            + ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$5\r\nhello\r\n"
            + "%1\r\n+key\r\n*2\r\n:1\r\n:2\r\n"
            + "|1\r\n+ttl\r\n:3\r\n+value\r\n"
            + "=15\r\ntxt:Some string\r\n!5\r\nERROR\r\n~1\r\n+member\r\n";

    @Test
    void everyReadItPassesOnEndsWhereAFrameEndsWhereverTheBytesWereSplit() {
        byte[] bytes = FRAMES.getBytes(StandardCharsets.UTF_8);
        for (int first = 1; first < bytes.length; first++) {
            for (int second = first; second < bytes.length; second += 7) {
                List<byte[]> reads = passThrough(List.of(
                        slice(bytes, 0, first), slice(bytes, first, second), slice(bytes, second, bytes.length)));

                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (byte[] read : reads) {
                    assertThat(endsOnAFrame(read))
                            .as("a read of %s", new String(read, StandardCharsets.UTF_8))
                            .isTrue();
                    all.writeBytes(read);
                }
                assertThat(all.toByteArray())
                        .as("split at %d and %d", first, second)
                        .isEqualTo(bytes);
            }
        }
    }

    @Test
    void aFrameStillIncompleteIsHeldBackUntilItsLastByte() {
        List<byte[]> reads = passThrough(List.of(
                "*2\r\n$4\r\npong\r\n$0\r\n\r\n*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$5\r\nhel"
                        .getBytes(StandardCharsets.UTF_8),
                "lo\r".getBytes(StandardCharsets.UTF_8),
                "\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(reads)
                .extracting(read -> new String(read, StandardCharsets.UTF_8))
                .containsExactly("*2\r\n$4\r\npong\r\n$0\r\n\r\n", "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$5\r\nhello\r\n");
    }

    private static List<byte[]> passThrough(List<byte[]> chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new RespFrameAligner());
        List<byte[]> reads = new ArrayList<>();
        for (byte[] chunk : chunks) {
            if (chunk.length == 0) {
                continue;
            }
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            for (ByteBuf read = channel.readInbound(); read != null; read = channel.readInbound()) {
                byte[] copy = new byte[read.readableBytes()];
                read.readBytes(copy);
                read.release();
                reads.add(copy);
            }
        }
        assertThat(channel.finish()).isFalse();
        return reads;
    }

    private static boolean endsOnAFrame(byte[] read) {
        ByteBuf buffer = Unpooled.wrappedBuffer(read);
        int at = 0;
        while (at < read.length) {
            at = RespFrameAligner.frameEnd(buffer, at);
            if (at < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }
}
