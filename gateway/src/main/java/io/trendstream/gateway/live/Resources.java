package io.trendstream.gateway.live;

/** Closing what a route group owns. */
public final class Resources {

    private Resources() {}

    /** Closes each in order, all of them even when one fails; throws the first failure with the later suppressed. */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception failure = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
