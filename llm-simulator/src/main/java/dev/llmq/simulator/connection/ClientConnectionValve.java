package dev.llmq.simulator.connection;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/** Hands each request its {@link ClientConnection}, which the servlet API alone cannot provide. */
final class ClientConnectionValve extends ValveBase {

    ClientConnectionValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        request.setAttribute(TomcatConnection.ATTRIBUTE, new TomcatConnection(request.getCoyoteRequest()));
        getNext().invoke(request, response);
    }
}
