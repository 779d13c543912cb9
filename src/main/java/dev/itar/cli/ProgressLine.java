package dev.itar.cli;

import java.io.PrintWriter;

/**
 * A progress line on stderr: rewritten in place ({@code \r}) on an interactive console, otherwise
 * printed as plain lines no more often than every {@code plainIntervalMillis} so logs stay short.
 */
final class ProgressLine {
    private final PrintWriter err;
    private final boolean interactive;
    private final long plainIntervalNanos;
    private long lastNanos;
    private int lastLength;
    private String lastText = "";

    ProgressLine(PrintWriter err, boolean interactive, long plainIntervalMillis) {
        this.err = err;
        this.interactive = interactive;
        this.plainIntervalNanos = plainIntervalMillis * 1_000_000L;
        this.lastNanos = System.nanoTime() - plainIntervalNanos;
    }

    /** Interactive exactly when a console is attached (and stdout/stderr are not redirected). */
    static ProgressLine forConsole(PrintWriter err) {
        return new ProgressLine(err, System.console() != null, 2_000);
    }

    /** Shows {@code text} if enough time has passed since the last update (interactive: 10 per second). */
    synchronized void update(String text) {
        long now = System.nanoTime();
        long interval = interactive ? 100_000_000L : plainIntervalNanos;
        if (text.equals(lastText) || now - lastNanos < interval) {
            return;
        }
        show(text, now);
    }

    /** Shows {@code text} now and ends the line. */
    synchronized void finish(String text) {
        show(text, System.nanoTime());
        if (interactive) {
            err.println();
            err.flush();
        }
        lastLength = 0;
    }

    private void show(String text, long now) {
        lastNanos = now;
        lastText = text;
        if (interactive) {
            int pad = Math.max(0, lastLength - text.length());
            err.print("\r" + text + " ".repeat(pad));
            lastLength = text.length();
        } else {
            err.println(text);
        }
        err.flush();
    }
}
