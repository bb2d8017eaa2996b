package dev.llmq.simulator.connection;

/**
 * The connection of a request that did not come through the simulator's Tomcat (e.g. a mock request): never seen
 * closing, and aborting it does nothing.
 */
enum UnobservedConnection implements ClientConnection {
    INSTANCE;

    @Override
    public boolean isClosedByClient() {
        return false;
    }

    @Override
    public void abort() {
        // nothing to drop
    }
}
