package dev.itar.cli;

import dev.itar.archive.ByteSource;
import dev.itar.publish.ArchivePublisher;
import dev.itar.storage.StorageException;

import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code publish FILE}: sends an existing ncore v4 archive (zarr v3 or legacy v2) to the frames topic as
 * wire-format records, so the ingest pipeline writes it again (re-ingest, migration through the pipeline,
 * load tests with real data).
 */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Publishes an existing ncore v4 archive as wire-format records, for re-ingestion.",
        description = "Publishes an ncore v4 archive (zarr v3 or legacy v2) as wire-format records: start "
                + "(sequence id, meta), intrinsics, static poses, then frames and dynamic poses by time, "
                + "then end. Ingesting them gives back an archive with the same content (component "
                + "generic_meta_data and float32 static pose dtypes excepted: the wire format cannot carry "
                + "them; they are listed when present). FILE may be s3://bucket/key, read by byte ranges "
                + "(settings: ITAR_S3_*, then the AWS SDK's default chains).")
public final class PublishCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive to publish: a file or s3://bucket/key")
    String file;

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
        try (ByteSource source = ArchiveSources.open(file);
             KafkaProducer<byte[], byte[]> producer = ArchivePublisher.producer(bootstrapServers, maxRequestBytes,
                producerProperties)) {
            report = new ArchivePublisher(producer, topic).publish(source, recordingId);
        } catch (StorageException e) {
            err.println("publish: " + e.getMessage());
            return ArchiveExit.UNREADABLE;
        } catch (IllegalArgumentException e) {
            err.println("publish: " + e.getMessage());
            return 2;
        }
        out.printf(Locale.ROOT, "published %s as recording '%s' (sequence '%s'): %d records, %.1f MB to %s on %s%n",
                report.archive(), report.recordingId(), report.sequenceId(), report.records(), report.bytes() / 1e6,
                topic, bootstrapServers);
        out.println("records by type: " + report.recordsByType());
        for (String loss : report.losses()) {
            out.println("not carried by the wire format: " + loss);
        }
        out.flush();
        return 0;
    }

}
