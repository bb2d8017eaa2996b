package dev.llmq.simulator;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Starts the simulator through its {@code main} method (so with its real defaults) on a random port, with no
 * simulated latency; every test class using it shares one server.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        useMainMethod = UseMainMethod.ALWAYS,
        properties = {"llmq.simulator.time-to-first-token=0ms", "llmq.simulator.per-token-delay=0ms"})
public @interface ZeroLatencySimulatorTest {}
