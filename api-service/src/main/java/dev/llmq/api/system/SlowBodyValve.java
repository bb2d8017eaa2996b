package dev.llmq.api.system;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Closes the connection of a request whose body came too slowly, once its 408 is sent. Without this Tomcat would go
 * on reading (swallowing) the rest of the body to keep the connection, which is what a trickling client wants.
 */
final class SlowBodyValve extends ValveBase {

    /** The request attribute that {@link RequestBodyLimitFilter} sets when a body missed its deadline. */
    static final String TIMED_OUT = SlowBodyValve.class.getName() + ".timedOut";

    SlowBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        if (request.getAttribute(TIMED_OUT) != null) {
            response.flushBuffer();
            response.getCoyoteResponse().action(ActionCode.CLOSE_NOW, null);
        }
    }

    /** Installs the valve in the embedded Tomcat. */
    @Component
    static final class Installer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

        @Override
        public void customize(ConfigurableTomcatWebServerFactory factory) {
            factory.addEngineValves(new SlowBodyValve());
        }
    }
}
