package dev.itar.kafka;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.apache.kafka.common.internals.Topic;

/**
 * A topic that should exist: name, partition count, replication factor and topic-level configs
 * (e.g. {@code max.message.bytes}). Partitions or replication of -1 mean "the broker's default".
 */
public record TopicSpec(String name, int partitions, short replication, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "topic name");
        try {
            Topic.validate(name);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid topic name '" + name + "': " + e.getMessage(), e);
        }
        if (partitions == 0 || partitions < -1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1 or -1 (broker default), was "
                    + partitions);
        }
        if (replication == 0 || replication < -1) {
            throw new IllegalArgumentException("topic " + name
                    + ": replication must be >= 1 or -1 (broker default), was " + replication);
        }
        // Sorted copy: deterministic order in requests and log lines.
        configs = Map.copyOf(new TreeMap<>(Objects.requireNonNull(configs, "configs of topic " + name)));
    }

    /** A topic with replication factor 1 (a single-node cluster) and no config overrides. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, (short) 1, Map.of());
    }

    /** This spec with one more topic config. */
    public TopicSpec withConfig(String key, String value) {
        Map<String, String> c = new TreeMap<>(configs);
        c.put(key, value);
        return new TopicSpec(name, partitions, replication, c);
    }
}
