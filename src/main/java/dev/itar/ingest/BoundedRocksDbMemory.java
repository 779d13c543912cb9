package dev.itar.ingest;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Puts every RocksDB store of the JVM (two small ones per task: headers and fingerprints, what was sealed) into one
 * block cache of a fixed size that also accounts for their memtables, so RocksDB's off-heap memory is bounded by
 * {@value #MEMORY_BYTES_CONFIG} however many tasks an instance owns — by default each store would take its own
 * cache and up to three write buffers. Index and filter blocks live in the same cache, so they count too.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** The Streams property this setter reads its budget from; {@code IngestConfig} sets it from its own key. */
    public static final String MEMORY_BYTES_CONFIG = "itar.rocksdb.memory.bytes";
    /** Share of the budget that memtables may take before they are flushed. */
    private static final double MEMTABLE_SHARE = 0.5;
    /** Share of the cache kept for index and filter blocks, which every read needs. */
    private static final double INDEX_FILTER_SHARE = 0.1;
    private static final long MEMTABLE_BYTES = 8L << 20;

    /** One cache and write-buffer manager per budget: shared by every store, never closed while the JVM runs. */
    private static final Map<Long, Shared> SHARED = new HashMap<>();

    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    private static synchronized Shared shared(long bytes) {
        return SHARED.computeIfAbsent(bytes, b -> {
            Cache cache = new LRUCache(b, -1, false, INDEX_FILTER_SHARE);
            return new Shared(cache, new WriteBufferManager((long) (b * MEMTABLE_SHARE), cache));
        });
    }

    /** What the cache of that budget holds now (blocks and memtables), or 0 before any store opened with it. */
    public static synchronized long usage(long bytes) {
        Shared s = SHARED.get(bytes);
        return s == null ? 0 : s.cache().getUsage();
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object value = configs.get(MEMORY_BYTES_CONFIG);
        if (value == null) {
            throw new IllegalStateException("store " + storeName + ": " + MEMORY_BYTES_CONFIG + " is not set; "
                    + BoundedRocksDbMemory.class.getName() + " needs it");
        }
        Shared s = shared(Long.parseLong(value.toString().trim()));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(s.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(s.writeBuffers());
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are shared by every store: closing one store must not free them
    }
}
