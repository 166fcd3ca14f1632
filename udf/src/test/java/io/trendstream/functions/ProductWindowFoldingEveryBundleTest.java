package io.trendstream.functions;

/**
 * The same specification with windows that fold every bundle into per-event state at once (each event and user
 * once), the path a window of the job takes once it holds more than {@code window.fold-after} activities.
 */
class ProductWindowFoldingEveryBundleTest extends ProductWindowTest {

    @Override
    protected int foldAfter() {
        return 0;
    }
}
