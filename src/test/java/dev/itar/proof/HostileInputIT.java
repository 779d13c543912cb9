package dev.itar.proof;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StartFrame;
import dev.itar.frames.WireEncoder;
import dev.itar.ingest.DeadLetters;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestMetrics;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.kafka.TopicAdmin;
import dev.itar.sim.SimRecord;
import dev.itar.sim.VehicleSimulator;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A soak of hostile records ({@code -Dhostile.count=N}, default 5 000) interleaved with a valid simulator
 * recording: bad CBOR, truncations, wrong types, unknown types and versions, huge declared lengths, negative and
 * NaN values, path-like and non-UTF-8 keys, a null value, records near the maximum message size, conflicting
 * duplicates and garbage under the valid recording's own key, and records for an already sealed recording. Every
 * hostile record must land in the dead-letter topic with its original bytes and a reason, the valid recording must
 * come out byte-identical to a clean run, the application must stay RUNNING, and the heap must stay bounded.
 */
class HostileInputIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final long T = 1_700_000_000_000_000L;
    private static final String SEALED_ID = "hostile-sealed-early";
    private static final CBORMapper CBOR = new CBORMapper();

    @TempDir
    Path tmp;

    /** One record to send; {@code hostile} ones must all come back as dead letters. */
    private record Out(byte[] key, byte[] value, boolean hostile) {
    }

    @Test
    void everyHostileRecordIsDeadLetteredAndTheValidRecordingIsIntact() throws Exception {
        int hostileCount = Integer.getInteger("hostile.count", 5000);
        String bootstrap = KAFKA.bootstrapServers();
        VehicleSimulator sim = ProofKit.simulator("hostile", 2.0, 3);
        List<SimRecord> valid = ProofKit.records(sim);
        String validId = sim.recordingIds().get(0);

        // sent first: a recording that is sealed before the records that come late for it
        List<Out> out = new ArrayList<>();
        out.add(new Out(utf8(SEALED_ID), WireEncoder.encode(new StartFrame(Optional.empty(), null)), false));
        out.add(new Out(utf8(SEALED_ID), WireEncoder.encode(new EndFrame(OptionalLong.of(T))), false));
        Random random = new Random(5_000L);
        int perValid = (hostileCount + valid.size() - 1) / valid.size();
        int hostile = 0;
        CameraFrame lastCamera = null;
        for (SimRecord r : valid) {
            out.add(new Out(utf8(r.recordingId()), r.value(), false));
            if (r.frame() instanceof CameraFrame c) {
                lastCamera = c;
            }
            for (int k = 0; k < perValid && hostile < hostileCount; k++, hostile++) {
                out.add(hostileRecord(hostile, random, validId, r.value(), lastCamera));
            }
        }
        assertThat(hostile).isEqualTo(hostileCount);
        List<Out> sent = out.stream().filter(Out::hostile).toList();

        Map<String, String> settings = ProofKit.settings(bootstrap, "hostile", "hostile-app", tmp.resolve("archives"),
                tmp.resolve("state"));
        IngestConfig config = ProofKit.config(settings);
        TopicAdmin.ensureTopics(bootstrap, new IngestApplication(config).topics());
        long heapBefore = usedHeapAfterGc();
        IngestMetrics metrics = new IngestMetrics();
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (IngestApplication app = new IngestApplication(config, metrics);
             KafkaProducer<byte[], byte[]> producer = ProofKit.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> dlq = ProofKit.consumer(bootstrap, config.deadLetterTopic(), true)) {
            app.start();
            assertThat(app.awaitRunning(ProofKit.WAIT)).isTrue();
            List<Future<?>> acks = new ArrayList<>();
            for (Out o : out) {
                acks.add(producer.send(new ProducerRecord<>(config.framesTopic(), o.key(), o.value())));
            }
            producer.flush();
            for (Future<?> f : acks) {
                f.get();
            }
            dead = ProofKit.poll(dlq, hostileCount, ProofKit.WAIT);
            assertThat(ProofKit.await(app, ProofKit.WAIT, () -> metrics.seals() == 2))
                    .as("both valid recordings sealed; metrics %s", metrics).isTrue();
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(app.failure()).isNull();
            assertThat(metrics.deadLetters()).as("dead letters counted; %s", metrics).isEqualTo(hostileCount);
        }
        long heapAfter = usedHeapAfterGc();
        System.out.printf("HostileInputIT: %d hostile records, used heap after GC %d MiB before, %d MiB after%n",
                hostileCount, heapBefore >> 20, heapAfter >> 20);

        assertThat(dead).as("dead letters").hasSize(hostileCount);
        Map<String, Integer> reasonsByCode = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            Header reason = d.headers().lastHeader(DeadLetters.REASON);
            Header code = d.headers().lastHeader(DeadLetters.CODE);
            assertThat(reason).as("reason header of dead letter at offset %d", d.offset()).isNotNull();
            assertThat(new String(reason.value(), StandardCharsets.UTF_8)).isNotBlank();
            assertThat(code).isNotNull();
            reasonsByCode.merge(new String(code.value(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        System.out.println("HostileInputIT dead letters by code: " + reasonsByCode);
        assertThat(digests(dead.stream().map(d -> new Out(d.key(), d.value(), true)).toList()))
                .as("dead letters carry the original keys and values").isEqualTo(digests(sent));
        assertThat(reasonsByCode).containsKeys(DeadLetters.LATE, DeadLetters.CONFLICTING_DUPLICATE);

        // heap: a generous bound on growth (the soak includes records of ~15 MB); measured, not timed
        assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(512L << 20);

        // the valid recording equals a clean run of the same records on their own topic
        Map<String, String> clean = new HashMap<>(ProofKit.settings(bootstrap, "hostile-clean", "hostile-clean-app",
                tmp.resolve("clean-archives"), tmp.resolve("clean-state")));
        IngestConfig cleanConfig = ProofKit.config(clean);
        IngestMetrics cleanMetrics = new IngestMetrics();
        try (IngestApplication app = new IngestApplication(cleanConfig, cleanMetrics);
             KafkaProducer<byte[], byte[]> producer = ProofKit.producer(bootstrap)) {
            app.start();
            ProofKit.sendAll(producer, cleanConfig.framesTopic(), valid);
            assertThat(ProofKit.await(app, ProofKit.WAIT, () -> cleanMetrics.seals() == 1)).isTrue();
        }
        String name = validId + ".ncore4.zarr.itar";
        assertThat(ProofKit.sha256(tmp.resolve("archives").resolve(name)))
                .isEqualTo(ProofKit.sha256(tmp.resolve("clean-archives").resolve(name)));
        assertThat(ProofKit.framesPerSensor(tmp.resolve("archives").resolve(name))).isEqualTo(sim.framesPerSensor());
        // nothing but the two sealed recordings was written, nowhere else
        assertThat(ProofKit.listing(tmp.resolve("archives"))).containsExactly(SEALED_ID + ".json",
                SEALED_ID + ".ncore4.zarr.itar", validId + ".json", name);
        assertThat(ProofKit.listing(tmp)).containsExactly("archives", "clean-archives", "clean-state", "state");
    }

    private static Out hostileRecord(int i, Random random, String validId, byte[] validValue, CameraFrame lastCamera)
            throws Exception {
        String id = "hostile-" + (i % 7);
        switch (i % 14) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                return new Out(utf8(id), b, true);
            }
            case 1 -> {
                return new Out(utf8(id), java.util.Arrays.copyOf(validValue, random.nextInt(validValue.length)), true);
            }
            case 2 -> {
                Map<String, Object> m = camera(T + i);
                m.put("sensor", 12345); // wrong type
                return new Out(utf8(id), CBOR.writeValueAsBytes(m), true);
            }
            case 3 -> {
                Map<String, Object> m = camera(T + i);
                if (random.nextBoolean()) {
                    m.put("v", 2);
                } else {
                    m.put("type", "teleport");
                }
                return new Out(utf8(id), CBOR.writeValueAsBytes(m), true);
            }
            case 4 -> { // {"v":1,"type":"camera","image": <byte string declaring 2^40 bytes>} then 4 bytes
                ByteBuffer b = ByteBuffer.allocate(64);
                b.put((byte) 0xA3).put((byte) 0x61).put((byte) 'v').put((byte) 0x01);
                b.put((byte) 0x64).put(utf8("type")).put((byte) 0x66).put(utf8("camera"));
                b.put((byte) 0x65).put(utf8("image")).put((byte) 0x5B).putLong(1L << 40).putInt(0xDEADBEEF);
                return new Out(utf8(id), java.util.Arrays.copyOf(b.array(), b.position()), true);
            }
            case 5 -> { // lidar with negative distance and out-of-range intensity
                return new Out(utf8(id), CBOR.writeValueAsBytes(lidar(T + i, -1.0f, 2.0f)), true);
            }
            case 6 -> { // NaN distance with a non-NaN intensity, and negative times
                Map<String, Object> m = lidar(T + i, Float.NaN, 0.5f);
                if (random.nextBoolean()) {
                    m.put("t0", -5);
                }
                return new Out(utf8(id), CBOR.writeValueAsBytes(m), true);
            }
            case 7 -> { // a valid value under a key that is no recording id
                String[] keys = {"../x", "a/b", "/etc/passwd", "..", "", " x", "x\u0000y", "é", "-starts-with-dash",
                        "x".repeat(129)};
                byte[] key = i % 28 == 7 ? new byte[] {(byte) 0xFF, (byte) 0xFE, 'a'} : utf8(keys[(i / 14) % keys.length]);
                return new Out(i % 70 == 7 ? null : key, validValue, true);
            }
            case 8 -> { // late: records for a recording that was sealed at the start
                return new Out(utf8(SEALED_ID), WireEncoder.encode(new PoseFrame("rig", "world", T + i,
                        identity())), true);
            }
            case 9 -> { // conflicting duplicate of the valid recording's last camera frame
                if (lastCamera == null) {
                    return new Out(utf8(validId), new byte[] {(byte) 0xA0}, true); // empty map: no v, no type
                }
                byte[] image = lastCamera.image().clone();
                image[image.length / 2] ^= (byte) (1 + random.nextInt(255));
                return new Out(utf8(validId), WireEncoder.encode(new CameraFrame(lastCamera.sensor(), lastCamera.t0(),
                        lastCamera.t1(), lastCamera.format(), image, lastCamera.meta(), lastCamera.data())), true);
            }
            case 10 -> { // garbage under the valid recording's own key
                byte[] b = new byte[1 + random.nextInt(64)];
                random.nextBytes(b);
                b[0] = (byte) 0xFF; // a CBOR "break" where an item must start
                return new Out(utf8(validId), b, true);
            }
            case 11 -> { // near the maximum message size (a few only), invalid because t0 > t1
                if (i % 1400 == 11) {
                    Map<String, Object> m = camera(T + i);
                    m.put("image", new byte[15 * 1024 * 1024 + random.nextInt(512 * 1024)]);
                    m.put("t0", T + i + 1);
                    return new Out(utf8(id), CBOR.writeValueAsBytes(m), true);
                }
                return new Out(utf8(id), i % 2 == 0 ? null : new byte[0], true); // tombstone / empty value
            }
            case 12 -> { // deep nesting in meta
                byte[] deep = new byte[20_000];
                java.util.Arrays.fill(deep, (byte) 0x81); // array of array of ...
                return new Out(utf8(id), deep, true);
            }
            default -> { // wrong array lengths: direction of N×2 instead of N×3
                Map<String, Object> m = lidar(T + i, 1.0f, 0.5f);
                m.put("direction", new byte[2 * 2 * 4]);
                return new Out(utf8(id), CBOR.writeValueAsBytes(m), true);
            }
        }
    }

    private static Map<String, Object> camera(long t1) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("type", "camera");
        m.put("sensor", "cam0");
        m.put("t0", t1 - 10);
        m.put("t1", t1);
        m.put("format", "jpeg");
        m.put("image", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9});
        return m;
    }

    /** A 2-ray, 1-return lidar whose second return is absent (NaN) and whose first has the given values. */
    private static Map<String, Object> lidar(long t1, float distance, float intensity) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("type", "lidar");
        m.put("sensor", "top");
        m.put("t0", t1 - 100);
        m.put("t1", t1);
        m.put("n", 2);
        m.put("r", 1);
        m.put("direction", floats(1, 0, 0, 0, 1, 0));
        m.put("timestamp_us", le(16).putLong(t1 - 100).putLong(t1).array());
        m.put("distance_m", floats(distance, Float.NaN));
        m.put("intensity", floats(intensity, Float.NaN));
        return m;
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = le(values.length * 4);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static double[] identity() {
        double[] m = new double[16];
        for (int k = 0; k < 16; k++) {
            m[k] = k % 5 == 0 ? 1 : 0;
        }
        return m;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Multiset of sha256(key) + sha256(value) ("null" for a missing one), as a sorted count map. */
    private static Map<String, Integer> digests(List<Out> records) {
        Map<String, Integer> m = new TreeMap<>();
        for (Out o : records) {
            String k = (o.key() == null ? "null" : ProofKit.sha256(o.key())) + "/"
                    + (o.value() == null ? "null" : ProofKit.sha256(o.value()));
            m.merge(k, 1, Integer::sum);
        }
        return m;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
