package dev.itar.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics that are missing; leaves existing ones alone (their partitions and configs are not changed).
 * Safe to call from several processes at once: a topic created concurrently by someone else counts as present.
 * Returns only once every requested topic has a leader for each partition, so a Streams application started
 * right afterwards finds its source topics.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private TopicAdmin() {
    }

    /** As {@link #ensureTopics(String, List, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static List<String> ensureTopics(String bootstrapServers, List<TopicSpec> topics) {
        return ensureTopics(bootstrapServers, topics, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to {@code bootstrapServers}, creates the missing topics and waits for their leaders.
     *
     * @return names of the topics this call created (sorted); existing topics are not listed
     * @throws KafkaException naming the topic and bootstrap servers if a topic cannot be created or
     *                        does not get leaders within {@code timeout}
     */
    public static List<String> ensureTopics(String bootstrapServers, List<TopicSpec> topics, Duration timeout) {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 30_000)))) {
            return ensureTopics(admin, topics, timeout, bootstrapServers);
        }
    }

    /** With an Admin client the caller owns (and closes). */
    public static List<String> ensureTopics(Admin admin, List<TopicSpec> topics, Duration timeout) {
        return ensureTopics(admin, topics, timeout, "the cluster");
    }

    private static List<String> ensureTopics(Admin admin, List<TopicSpec> topics, Duration timeout, String where) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NewTopic> requests = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (TopicSpec spec : topics) {
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("topic " + spec.name() + " is listed twice");
            }
            requests.add(new NewTopic(spec.name(),
                    spec.partitions() == -1 ? Optional.empty() : Optional.of(spec.partitions()),
                    spec.replication() == -1 ? Optional.empty() : Optional.of(spec.replication()))
                    .configs(spec.configs()));
        }
        if (requests.isEmpty()) {
            return List.of();
        }
        CreateTopicsResult result = admin.createTopics(requests);
        List<String> created = new ArrayList<>();
        for (String name : names) {
            try {
                result.values().get(name).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                created.add(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("could not create topic " + name + " on " + where + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException("creating topic " + name + " on " + where + " timed out after "
                        + timeout.toMillis() + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while creating topic " + name, e);
            }
        }
        if (!created.isEmpty()) {
            LOG.info("Created topics {} on {}", created, where);
        }
        awaitLeaders(admin, names, deadline, timeout, where);
        return List.copyOf(created);
    }

    /** Polls (bounded by the deadline) until every partition of every topic has a leader. */
    private static void awaitLeaders(Admin admin, Set<String> names, long deadline, Duration timeout, String where) {
        Set<String> waiting = new TreeSet<>(names);
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(waiting).allTopicNames()
                        .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                described.values().stream()
                        .filter(d -> !d.partitions().isEmpty()
                                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                        .map(TopicDescription::name)
                        .forEach(waiting::remove);
            } catch (ExecutionException e) {
                // Metadata not yet propagated for a just-created topic: ask again until the deadline.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new KafkaException("could not describe topics " + waiting + " on " + where + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topic leaders", e);
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            try {
                Thread.sleep(50); // polling interval of a bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topic leaders", e);
            }
        }
        throw new KafkaException("topics " + waiting + " on " + where + " have no leader for every partition after "
                + timeout.toMillis() + " ms");
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }
}
