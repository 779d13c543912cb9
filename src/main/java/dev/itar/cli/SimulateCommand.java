package dev.itar.cli;

import dev.itar.sim.SimulationReport;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.SimulatorProducer;
import dev.itar.sim.VehicleSimulator;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code simulate}: sends simulated vehicle recordings (wire format v1) to a Kafka topic. */
@Command(name = "simulate",
        mixinStandardHelpOptions = true,
        header = "Sends simulated vehicle recordings (wire format v1) to a Kafka topic.",
        description = "Sends simulated vehicle recordings to a Kafka topic in wire format v1: per vehicle a "
                + "start, extrinsics and camera intrinsics, rig poses, JPEG camera images, lidar sweeps and "
                + "radar scans in sensor-time order, then an end. Same options and seed, same bytes.",
        sortOptions = false)
public final class SimulateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "vehicle-frames", description = "Topic to send to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--vehicles", defaultValue = "1", description = "Vehicles, one recording each (default: ${DEFAULT-VALUE}).")
    int vehicles;

    @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
            description = "Recording length in sensor time (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--cameras", defaultValue = "2", description = "Cameras per vehicle (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--lidars", defaultValue = "1", description = "Lidars per vehicle (default: ${DEFAULT-VALUE}).")
    int lidars;

    @Option(names = "--radars", defaultValue = "1", description = "Radars per vehicle (default: ${DEFAULT-VALUE}).")
    int radars;

    @Option(names = "--camera-hz", defaultValue = "10", description = "Camera frame rate (default: ${DEFAULT-VALUE}).")
    double cameraHz;

    @Option(names = "--lidar-hz", defaultValue = "10", description = "Lidar sweep rate (default: ${DEFAULT-VALUE}).")
    double lidarHz;

    @Option(names = "--radar-hz", defaultValue = "13", description = "Radar scan rate (default: ${DEFAULT-VALUE}).")
    double radarHz;

    @Option(names = "--pose-hz", defaultValue = "50", description = "Rig pose sample rate (default: ${DEFAULT-VALUE}).")
    double poseHz;

    @Option(names = "--lidar-rays", defaultValue = "1024", description = "Rays per lidar sweep (default: ${DEFAULT-VALUE}).")
    int lidarRays;

    @Option(names = "--lidar-returns", defaultValue = "2", description = "Returns per lidar ray (default: ${DEFAULT-VALUE}).")
    int lidarReturns;

    @Option(names = "--image-size", defaultValue = "320x240", paramLabel = "WxH",
            description = "Camera image size in pixels (default: ${DEFAULT-VALUE}).")
    String imageSize;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of everything generated (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--recording-prefix", paramLabel = "PREFIX",
            description = "Recording ids are PREFIX-veh1, PREFIX-veh2, ... (default: sim-<seed>).")
    String recordingPrefix;

    @Option(names = "--labels", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Send wire format 1.1's records too: each sensor's component meta data, an ego mask per "
                    + "camera and cuboid observations of the nearest objects (default: on; --no-labels sends "
                    + "wire format 1.0 records only, for an ingest release before 1.1).")
    boolean labels;

    @Option(names = "--realtime", description = "Pace sending to sensor time (a 10 s recording takes 10 s).")
    boolean realtime;

    @Option(names = "--max-request-bytes", defaultValue = "16777216",
            description = "Producer max.request.size; must not exceed the topic's max.message.bytes (default: ${DEFAULT-VALUE}).")
    int maxRequestBytes;

    @Override
    public Integer call() throws Exception {
        VehicleSimulator simulator = new VehicleSimulator(config());
        ProgressLine progress = ProgressLine.forConsole(spec.commandLine().getErr());
        long expected = simulator.recordsPerRecording() * simulator.recordingIds().size();
        SimulationReport report;
        try (SimulatorProducer producer = new SimulatorProducer(bootstrapServers, topic, maxRequestBytes, Map.of())) {
            report = producer.send(simulator, realtime, (records, bytes) -> progress.update(String.format(Locale.ROOT,
                    "simulate: %d/%d records, %.1f MB", records, expected, bytes / 1e6)));
        } catch (KafkaException e) {
            progress.finish("simulate: failed");
            spec.commandLine().getErr().println("simulate: " + e.getMessage());
            return 1;
        }
        progress.finish(String.format(Locale.ROOT, "simulate: %d/%d records, %.1f MB, done",
                report.records(), expected, report.bytes() / 1e6));
        spec.commandLine().getOut().print(report.summary());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The simulator configuration these options describe; bad values become usage errors naming the option. */
    SimulatorConfig config() {
        int[] size = parseImageSize(imageSize);
        try {
            return SimulatorConfig.builder().vehicles(vehicles).durationSeconds(durationSeconds)
                    .cameras(cameras).lidars(lidars).radars(radars)
                    .cameraHz(cameraHz).lidarHz(lidarHz).radarHz(radarHz).poseHz(poseHz)
                    .lidarRays(lidarRays).lidarReturns(lidarReturns).imageSize(size[0], size[1])
                    .seed(seed).recordingPrefix(recordingPrefix != null ? recordingPrefix : "sim-" + seed)
                    .labels(labels).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private int[] parseImageSize(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "--image-size must be WIDTHxHEIGHT, e.g. 320x240; got '" + text + "'");
    }
}
