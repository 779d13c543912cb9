package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.WireDecoder;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.ncore.SequenceReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A producer written in another language from wire-format.md alone (src/test/resources/frames/encode_frames.py,
 * Python standard library only) gets its data back exactly in the sealed archive.
 */
class ForeignProducerIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final Duration WAIT = Duration.ofSeconds(120);
    static final String RECORDING = "py-veh-0001";

    @TempDir
    Path tmp;

    @Test
    void pythonProducedRecordingComesBackExactly() throws Exception {
        assumeTrue(python3Available(), "python3 is not installed");
        List<byte[][]> records = runPythonProducer(tmp.resolve("records"));
        assertThat(records).hasSize(8);

        String bootstrap = KAFKA.bootstrapServers();
        IngestConfig config = ItClients.config(bootstrap, "foreign", "ingest-foreign", tmp.resolve("archives"),
                tmp.resolve("state"), Map.of());
        try (IngestApplication app = new IngestApplication(config);
             KafkaProducer<byte[], byte[]> producer = ItClients.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> sealed = ItClients.consumer(bootstrap, config.sealedTopic())) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).as("application running").isTrue();
            for (byte[][] r : records) {
                ItClients.send(producer, config.framesTopic(), r[0], r[1]);
            }
            List<ConsumerRecord<byte[], byte[]>> events = ItClients.poll(sealed, 1, WAIT);
            assertThat(events).as("sealed events").hasSize(1);
            assertThat(app.metrics().deadLetters()).as("dead letters").isZero();
            JsonNode event = new ObjectMapper().readTree(events.get(0).value());
            Path archive = Path.of(event.get("archive").asText());

            // everything the Python records carried, as Java's decoder reads them ...
            List<Frame> produced = new ArrayList<>();
            for (byte[][] r : records) {
                produced.add(WireDecoder.decode(RECORDING, r[1]));
            }
            ArchiveAssertions.assertArchiveHolds(archive, produced);

            // ... and the values encode_frames.py documents, checked independently of the decoder
            try (SequenceReader reader = SequenceReader.open(archive)) {
                assertThat(reader.header().sequenceId()).isEqualTo("py-seq-1");
                assertThat(reader.header().genericMetaData().toString())
                        .isEqualTo("{\"producer\":\"encode_frames.py\",\"run\":1}");
                List<SensorFrame> frames = new ArrayList<>();
                for (Iterator<SensorFrame> it = reader.frames(); it.hasNext(); ) {
                    frames.add(it.next());
                }
                CameraFrame camera = (CameraFrame) frames.stream()
                        .filter(f -> f.sensor().equals("cam_front")).findFirst().orElseThrow();
                assertThat(camera.t0()).isEqualTo(1_000_000L);
                assertThat(camera.t1()).isEqualTo(1_000_033L);
                assertThat(camera.format()).isEqualTo("jpeg");
                assertThat(camera.image()).containsExactly(0xff, 0xd8, 0xff, 0xe0, 0xff, 0xd9);
                LidarFrame lidar = (LidarFrame) frames.stream()
                        .filter(f -> f.sensor().equals("lidar_top")).findFirst().orElseThrow();
                assertThat(lidar.n()).isEqualTo(3);
                assertThat(lidar.r()).isEqualTo(2);
                long nanReturns = floats(lidar.distanceM()).stream().filter(f -> f.isNaN()).count();
                assertThat(nanReturns).as("the one absent return").isEqualTo(1);
            }
        }
    }

    private static List<Float> floats(byte[] le) {
        ByteBuffer b = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        List<Float> out = new ArrayList<>();
        while (b.remaining() >= 4) {
            out.add(b.getFloat());
        }
        return out;
    }

    /** Runs the Python producer; returns its records as {key, value} in the order it wrote them. */
    private static List<byte[][]> runPythonProducer(Path out) throws Exception {
        Files.createDirectories(out);
        Path script = Path.of(ForeignProducerIT.class.getResource("/frames/encode_frames.py").toURI());
        Process p = new ProcessBuilder("python3", script.toString(), out.toString(), "--recording", RECORDING)
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        List<byte[][]> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path value : files.filter(f -> f.toString().endsWith(".cbor")).sorted().toList()) {
                Path key = value.resolveSibling(value.getFileName().toString().replace(".cbor", ".key"));
                records.add(new byte[][] {Files.readAllBytes(key), Files.readAllBytes(value)});
            }
        }
        return records;
    }

    private static boolean python3Available() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
