package dev.llmq.shared.redis;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.redisson.client.RedisException;

/**
 * Times every operation of a Redis adapter seam (a {@link WorkQueue}, a {@link ResultStore}, ...) by wrapping it in a
 * proxy, so no adapter carries timing code. An operation is named {@code <seam>.<method>}, e.g.
 * {@code work_queue.finish}: a closed set fixed by the seams' interfaces. Methods that send no command of their own
 * ({@code close}, {@code subscribe}, {@code consumer}) are not timed.
 */
public final class TimedRedis {

    /** Receives one timing: the operation, whether Redis failed it, and how long it took. */
    @FunctionalInterface
    public interface Recorder {

        void record(String operation, boolean failed, long nanos);
    }

    private static final Set<String> NOT_COMMANDS = Set.of("close", "subscribe", "consumer");

    private TimedRedis() {}

    /** {@code target} behind a proxy that reports each operation's time to {@code recorder}. */
    public static <T> T timed(Class<T> seam, T target, String seamName, Recorder recorder) {
        InvocationHandler handler = (proxy, method, args) -> invoke(target, method, args, seamName, recorder);
        return seam.cast(Proxy.newProxyInstance(seam.getClassLoader(), new Class<?>[] {seam}, handler));
    }

    /** The operation names a seam's proxy reports, in order: the closed set of its {@code operation} tag. */
    public static Set<String> operations(Class<?> seam, String seamName) {
        Set<String> names = new TreeSet<>();
        Arrays.stream(seam.getMethods())
                .filter(TimedRedis::isCommand)
                .forEach(method -> names.add(seamName + "." + method.getName()));
        return names;
    }

    private static @Nullable Object invoke(
            Object target, Method method, @Nullable Object[] args, String seamName, Recorder recorder)
            throws Throwable {
        if (!isCommand(method)) {
            return call(target, method, args);
        }
        long start = System.nanoTime();
        boolean failed = false;
        try {
            return call(target, method, args);
        } catch (RedisException ex) {
            failed = true;
            throw ex;
        } finally {
            recorder.record(seamName + "." + method.getName(), failed, System.nanoTime() - start);
        }
    }

    private static boolean isCommand(Method method) {
        return method.getDeclaringClass() != Object.class && !NOT_COMMANDS.contains(method.getName());
    }

    private static @Nullable Object call(Object target, Method method, @Nullable Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException ex) {
            throw ex.getCause();
        }
    }
}
