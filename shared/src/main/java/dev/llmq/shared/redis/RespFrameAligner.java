package dev.llmq.shared.redis;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.redisson.client.NettyHook;
import org.redisson.client.handler.CommandPubSubDecoder;

/**
 * Hands Redisson's subscription decoder whole RESP frames only, never a read that ends inside one. Without it, a
 * published message was lost about once per 200,000 under load (one per ~10 keep-alive {@code PING}s of the
 * subscription connection): when one read held the {@code PING}'s reply, then a message, then part of another,
 * Redisson 4.7's decoder rewound to after the first message to wait for the rest, and on the next read took the
 * {@code PING}, already answered, as still in flight and skipped one frame as its reply: the second message. A read of
 * whole frames is decoded to the end in one pass, so that rewind never happens. Installed on subscription connections
 * only ({@link #HOOK}), ahead of the decoder.
 */
public final class RespFrameAligner extends ByteToMessageDecoder {

    /** Puts an aligner in front of the decoder of every subscription connection Redisson opens. */
    public static final NettyHook HOOK = new NettyHook() {
        @Override
        public void afterBoostrapInitialization(io.netty.bootstrap.Bootstrap bootstrap) {}

        @Override
        public void afterChannelInitialization(Channel channel) {
            ChannelPipeline pipeline = channel.pipeline();
            ChannelHandlerContext decoder = pipeline.context(CommandPubSubDecoder.class);
            if (decoder != null) {
                pipeline.addBefore(decoder.name(), "llmq-resp-frame-aligner", new RespFrameAligner());
            }
        }
    };

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int end = start;
        for (int next = frameEnd(in, end); next >= 0; next = frameEnd(in, end)) {
            end = next;
        }
        if (end > start) {
            out.add(in.readRetainedSlice(end - start));
        }
    }

    /**
     * The index just after the RESP2 or RESP3 frame that starts at {@code index}, or -1 if its last byte has not
     * arrived yet.
     */
    static int frameEnd(ByteBuf in, int index) {
        if (index >= in.writerIndex()) {
            return -1;
        }
        int lineFeed = in.indexOf(index + 1, in.writerIndex(), (byte) '\n');
        if (lineFeed < 0) {
            return -1;
        }
        int afterLine = lineFeed + 1;
        byte type = in.getByte(index);
        return switch (type) {
            // simple string, error, integer, null, double, boolean, big number: one line
            case '+', '-', ':', '_', ',', '#', '(' -> afterLine;
            // bulk string, bulk error, verbatim string: a length line, then that many bytes and CRLF
            case '$', '!', '=' -> {
                long length = number(in, index, lineFeed);
                if (length < 0) {
                    yield afterLine;
                }
                long end = afterLine + length + 2;
                yield end <= in.writerIndex() ? (int) end : -1;
            }
            // array, set, push: a count, then that many frames; map and attribute: twice as many
            case '*', '~', '>', '%', '|' -> {
                long count = number(in, index, lineFeed);
                if (type == '%' || type == '|') {
                    count *= 2;
                }
                int at = afterLine;
                for (long i = 0; i < count && at >= 0; i++) {
                    at = frameEnd(in, at);
                }
                // an attribute comes before the reply it describes
                yield type == '|' && at >= 0 ? frameEnd(in, at) : at;
            }
            default -> throw new DecoderException("not a RESP frame: type byte " + type + " at " + index);
        };
    }

    /** The number on the frame's first line, between its type byte and its CRLF. */
    private static long number(ByteBuf in, int index, int lineFeed) {
        return Long.parseLong(in.toString(index + 1, lineFeed - 1 - (index + 1), StandardCharsets.US_ASCII));
    }
}
