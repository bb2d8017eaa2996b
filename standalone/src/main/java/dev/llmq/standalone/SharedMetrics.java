package dev.llmq.standalone;

import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One Prometheus registry for the worker and api contexts of the one-command run, so the api's
 * {@code /actuator/prometheus} shows both sets of meters, as one JVM (tagged {@code application=llmq-standalone}).
 * Each context binds its meters into it as if it were its own; the contexts' shutdown leaves it open.
 */
final class SharedMetrics {

    /** The common {@code application} tag of every meter in the one-command run. */
    static final String APPLICATION = "llmq-standalone";

    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);

    /** Runs {@code start}, whose Spring application then uses the shared registry instead of making its own. */
    ConfigurableApplicationContext run(Supplier<ConfigurableApplicationContext> start) {
        return SpringApplication.withHook(
                application -> new SpringApplicationRunListener() {
                    @Override
                    public void contextPrepared(ConfigurableApplicationContext context) {
                        BeanDefinitionRegistry beans = (BeanDefinitionRegistry) context.getBeanFactory();
                        beans.registerBeanDefinition(
                                "prometheusRegistry", shared(PrometheusRegistry.class, prometheus));
                        beans.registerBeanDefinition(
                                "prometheusMeterRegistry", shared(PrometheusMeterRegistry.class, registry));
                    }
                },
                start::get);
    }

    /** A bean the context post-processes (meter binders, common tags) but does not close. */
    private static <T> AbstractBeanDefinition shared(Class<T> type, T instance) {
        AbstractBeanDefinition definition = BeanDefinitionBuilder.genericBeanDefinition(type, () -> instance)
                .getBeanDefinition();
        definition.setDestroyMethodName("");
        return definition;
    }
}
