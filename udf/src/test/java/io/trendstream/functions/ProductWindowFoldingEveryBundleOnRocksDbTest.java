package io.trendstream.functions;

/** {@link ProductWindowFoldingEveryBundleTest} on RocksDB. */
class ProductWindowFoldingEveryBundleOnRocksDbTest extends ProductWindowOnRocksDbTest {

    @Override
    protected int foldAfter() {
        return 0;
    }
}
