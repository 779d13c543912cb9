package dev.itar.ncore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.itar.Fixtures;
import dev.itar.zarr.PyJson;
import dev.itar.zarr.RootDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sequence split into component-group stores reads exactly as the same sequence in one store. */
class SplitSequenceReadTest {
    @TempDir
    Path dir;

    private Path single() throws Exception {
        NcoreFixtures.Sequence seq = NcoreFixtures.read(Fixtures.DRIVE_A);
        return new SequenceSealer().seal(seq.request(dir.resolve("one"), "drive-a", RootDialect.PR68)).archive();
    }

    @Test
    void splitStoresReadBackAsTheSingleStore() throws Exception {
        Path single = single();
        Path meta = SplitSequences.split(single, dir.resolve("split"), "drive-a", SplitSequences.byComponent());
        assertThat(SequenceMeta.read(meta).stores()).extracting(SequenceMeta.Store::path).containsExactly(
                "drive-a.ncore4.zarr.itar", "drive-a.ncore4-cameras.zarr.itar", "drive-a.ncore4-lidars.zarr.itar",
                "drive-a.ncore4-radars.zarr.itar");
        assertThat(SequenceMeta.read(meta).md5Problems()).isEmpty();
        try (SequenceReader a = SequenceReader.open(single); SequenceReader b = SequenceReader.open(meta)) {
            assertThat(b.storeCount()).isEqualTo(4);
            assertThat(b.header()).isEqualTo(a.header());
            assertThat(b.sensors()).isEqualTo(a.sensors());
            assertThat(list(b.frames())).isEqualTo(list(a.frames()));
            assertThat(b.poses()).isEqualTo(a.poses());
            assertThat(b.staticPoses()).isEqualTo(a.staticPoses());
            assertThat(b.intrinsics()).isEqualTo(a.intrinsics());
            assertThat(b.componentMeta()).isEqualTo(a.componentMeta());
        }
    }

    @Test
    void ncoresOwnSplitSequenceReadsAsItsOneStoreTwin() throws Exception {
        SequenceMeta meta = SequenceMeta.read(Fixtures.DRIVE_M_SPLIT);
        assertThat(meta.sequenceId()).isEqualTo("seq-drive-m");
        assertThat(meta.stores()).hasSize(4);
        assertThat(meta.md5Problems()).isEmpty(); // md5s as ncore recorded them
        try (SequenceReader a = SequenceReader.open(Fixtures.DRIVE_M);
             SequenceReader b = SequenceReader.open(Fixtures.DRIVE_M_SPLIT)) {
            assertThat(b.storeCount()).isEqualTo(4);
            assertThat(b.header()).isEqualTo(a.header());
            assertThat(list(b.frames())).isEqualTo(list(a.frames())).hasSize(2);
            assertThat(b.poses()).isEqualTo(a.poses());
            assertThat(b.staticPoses()).isEqualTo(a.staticPoses());
            assertThat(b.componentMeta()).isEqualTo(a.componentMeta());
            assertThat(b.cameraMasks()).isEqualTo(a.cameraMasks()).hasSize(1);
            assertThat(b.cuboidObservations()).isEqualTo(a.cuboidObservations()).hasSize(4);
            assertThat(b.cuboidObservations()).extracting(dev.itar.frames.CuboidObservationFrame::timestampUs)
                    .containsExactly(1600000020200000L, 1600000020100000L, 1600000020050000L, 1600000020000000L);
            assertThat(SequenceCoverage.of(a)).isEmpty();
            assertThat(SequenceCoverage.of(b)).isEmpty();
        }
    }

    @Test
    void aChangedStoreIsReportedByItsMd5() throws Exception {
        Path meta = SplitSequences.split(single(), dir.resolve("split"), "d", SplitSequences.byComponent());
        Path cameras = dir.resolve("split/d.ncore4-cameras.zarr.itar");
        byte[] b = Files.readAllBytes(cameras);
        b[600] ^= 1;
        Files.write(cameras, b);
        Files.delete(dir.resolve("split/d.ncore4-radars.zarr.itar"));
        List<String> problems = SequenceMeta.read(meta).md5Problems();
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains(meta.toString(), "store 'd.ncore4-cameras.zarr.itar' has md5",
                "the meta file records");
        assertThat(problems.get(1)).contains("store 'd.ncore4-radars.zarr.itar' is missing");
    }

    @Test
    void metaFilesThatAreNotSequenceMetaAreNamed() throws Exception {
        Path summary = dir.resolve("summary.json");
        Files.copy(Fixtures.DRIVE_A_SUMMARY, summary);
        assertThatThrownBy(() -> SequenceMeta.read(summary)).isInstanceOf(SequenceFormatException.class)
                .hasMessageStartingWith(summary + ": not an ncore v4 sequence meta file");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"version\": ");
        assertThatThrownBy(() -> SequenceMeta.read(broken)).hasMessageStartingWith(broken + ": not an ncore "
                + "sequence meta file: not a JSON object");
        Path escape = dir.resolve("escape.json");
        Files.write(escape, PyJson.dumps(Map.of("version", "v4", "component_stores",
                List.of(Map.of("path", "../x.zarr.itar", "md5", "0")))));
        assertThatThrownBy(() -> SequenceMeta.read(escape)).hasMessageContaining("must be relative to the meta "
                + "file's directory, inside it");
        assertThatThrownBy(() -> SequenceMeta.read(dir.resolve("none.json"))).hasMessage(dir.resolve("none.json")
                + ": no such file");
    }

    @Test
    void storesOfAnotherSequenceOrATwiceListedGroupAreRefused() throws Exception {
        Path meta = SplitSequences.split(single(), dir.resolve("split"), "d", SplitSequences.byComponent());
        NcoreFixtures.Sequence seq = NcoreFixtures.read(Fixtures.DRIVE_A);
        NcoreFixtures.Sequence renamed = new NcoreFixtures.Sequence(new SequenceHeader("another-sequence",
                seq.header().genericMetaData(), seq.header().endT()), seq.frames(), seq.poses(), seq.staticPoses(),
                seq.intrinsics(), seq.componentMeta());
        Path other = new SequenceSealer().seal(renamed.request(dir.resolve("other"), "o", RootDialect.PR68)).archive();
        SplitSequences.split(other, dir.resolve("other"), "o", SplitSequences.byComponent());
        Path cameras = dir.resolve("split/d.ncore4-cameras.zarr.itar");
        Files.copy(dir.resolve("other/o.ncore4-cameras.zarr.itar"), cameras, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> SequenceReader.open(meta)).isInstanceOf(SequenceFormatException.class)
                .hasMessageContaining(cameras + " belongs to another sequence");

        Path meta2 = SplitSequences.split(single(), dir.resolve("split2"), "d", SplitSequences.byComponent());
        Files.copy(dir.resolve("split2/d.ncore4-lidars.zarr.itar"), dir.resolve("split2/d.ncore4-radars.zarr.itar"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> SequenceReader.open(meta2)).isInstanceOf(SequenceFormatException.class)
                .hasMessageContaining("component group 'lidars' is in two stores");
    }

    private static <T> List<T> list(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
