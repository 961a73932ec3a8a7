package dev.funnel.collector.enrich;

import java.util.LinkedHashMap;
import java.util.Map;

/** A bounded least-recently-used map. Not thread-safe: each cache lives on one thread. */
final class Lru<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    Lru(int capacity) {
        super(Math.min(capacity, 1024), 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
