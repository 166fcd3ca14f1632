package io.trendstream.serialization;

import java.util.LinkedHashMap;
import java.util.Map;

/** The bounded caches of the registry client, the schema coder and the deserializer. */
final class LruMaps {

    private LruMaps() {
    }

    /** A map that drops its least recently used entry once it holds more than {@code capacity}; not synchronized. */
    static <K, V> Map<K, V> leastRecentlyUsed(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
