package dev.itar.zarr;

/** Told how far a long operation (e.g. {@link Migration}) has come. Called on the working thread. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    /** {@code done} of {@code total} units (nodes) finished. */
    void progress(long done, long total);
}
