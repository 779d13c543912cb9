package dev.itar.cli;

import dev.itar.archive.ByteSource;
import dev.itar.publish.ArchiveFrames;
import dev.itar.publish.ArchivePublisher;
import dev.itar.storage.StorageException;

import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code publish FILE}: sends an existing ncore v4 archive (zarr v3 or legacy v2) to the frames topic as
 * wire-format records, so the ingest pipeline writes it again (re-ingest, migration through the pipeline,
 * load tests with real data).
 */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Publishes an existing ncore v4 archive as wire-format records, for re-ingestion.",
        description = "Publishes an ncore v4 archive (zarr v3 or legacy v2; or a sequence meta .json and the "
                + "component stores it lists, their md5s checked) as wire-format 1.1 records: start (sequence id, "
                + "meta), intrinsics, static poses, component meta data, camera masks, then frames and dynamic "
                + "poses by time, then cuboid observations, then end. Ingesting them gives back the same content "
                + "node for node. Anything the wire format cannot carry is an error that names it, before a record "
                + "is sent, unless --skip names it (or a node above it): then it is left out and listed. FILE may "
                + "be s3://bucket/key, read by byte ranges (settings: ITAR_S3_*, then the AWS SDK's default "
                + "chains).")
public final class PublishCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive to publish: a file or "
            + "s3://bucket/key; or a sequence meta .json")
    String file;

    @Option(names = "--skip", paramLabel = "PATH", description = "a node path (or sequence_timestamp_interval_us) "
            + "as an error names it: leave it, and everything below it, out on purpose; repeatable.")
    Set<String> skip = new TreeSet<>();

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "vehicle-frames", description = "frames topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--recording-id", paramLabel = "ID",
            description = "record key (default: the file name without .ncore4.zarr.itar, else the sequence id).")
    String recordingId;

    @Option(names = "--max-request-bytes", defaultValue = "16777216", paramLabel = "BYTES",
            description = "largest record the producer may send (default: ${DEFAULT-VALUE}; as the topic's max.message.bytes).")
    int maxRequestBytes;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "extra Kafka producer setting (security.protocol, sasl.*, ssl.*, ...); repeatable.")
    Map<String, String> producerProperties = new TreeMap<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ArchivePublisher.Report report;
        try {
            ArchiveInputs.stores(file); // a readable archive, or a meta file whose stores match their md5s
            if (ArchiveInputs.isSequenceMeta(file)) {
                try (ArchiveFrames frames = ArchiveFrames.open(Path.of(file), skip)) {
                    report = send(frames);
                }
            } else {
                try (ByteSource source = ArchiveSources.open(file);
                     ArchiveFrames frames = ArchiveFrames.open(source, skip)) {
                    report = send(frames);
                }
            }
        } catch (StorageException e) {
            err.println("publish: " + e.getMessage());
            return ArchiveExit.UNREADABLE;
        } catch (ArchiveInputs.InputException e) {
            err.println("publish: " + e.getMessage());
            return e.exit();
        } catch (IOException | RuntimeException e) {
            err.println("publish: " + ArchiveInputs.oneLine(file, e));
            return ArchiveExit.INVALID;
        }
        out.printf(Locale.ROOT, "published %s as recording '%s' (sequence '%s'): %d records, %.1f MB to %s on %s%n",
                report.archive(), report.recordingId(), report.sequenceId(), report.records(), report.bytes() / 1e6,
                topic, bootstrapServers);
        out.println("records by type: " + report.recordsByType());
        for (String skipped : report.skipped()) {
            out.println("skipped (--skip): " + skipped);
        }
        for (String note : report.notes()) {
            out.println("note: " + note);
        }
        out.flush();
        return 0;
    }

    /** Everything checked: now the producer, and the records. */
    private ArchivePublisher.Report send(ArchiveFrames frames) throws IOException, InterruptedException {
        String id = recordingId != null ? recordingId : frames.defaultRecordingId();
        try (KafkaProducer<byte[], byte[]> producer = ArchivePublisher.producer(bootstrapServers, maxRequestBytes,
                producerProperties)) {
            return new ArchivePublisher(producer, topic).publish(frames, id);
        }
    }

}
