package dev.itar.storage;

import dev.itar.archive.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file written under a temp name beside its target and renamed onto it on commit ({@link AtomicFiles}). */
final class LocalFileOutput extends ArchiveOutput {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream out;
    private long written;
    private boolean finished;

    LocalFileOutput(Path target) throws IOException {
        this.target = target;
        this.temp = AtomicFiles.createTemp(target);
        try {
            this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
    }

    @Override
    public void write(int b) throws IOException {
        requireOpen();
        try {
            out.write(b);
        } catch (IOException e) {
            throw LocalFailures.of(target.toString(), "cannot write", e);
        }
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        requireOpen();
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw LocalFailures.of(target.toString(), "cannot write", e);
        }
        written += len;
    }

    private void requireOpen() {
        if (finished) {
            throw new IllegalStateException(target + ": output already committed or closed");
        }
    }

    @Override
    public void commit() throws StorageException {
        requireOpen();
        try {
            out.flush();
            channel.force(true);
            channel.close();
            AtomicFiles.moveIntoPlace(temp, target);
            finished = true;
        } catch (IOException e) {
            close();
            throw LocalFailures.of(target.toString(), "cannot commit " + written + " bytes", e);
        }
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public String location() {
        return target.toString();
    }

    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the temp file is deleted next; nothing to salvage
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is hidden, never at the target, and removeAbandoned finds it
        }
    }
}
