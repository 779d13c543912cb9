package dev.itar.frames;

import java.util.regex.Pattern;

/**
 * Recording ids (the Kafka record key; also the syntax of a {@code start} record's sequence id):
 * {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$}. The first character is alphanumeric and '/' is never
 * allowed, so an id can never name "..", a hidden file or a path outside the archive directory.
 * The one definition of the syntax: everything that checks or names it uses this class.
 */
public final class RecordingIds {
    /** The syntax, matched against the whole id. */
    public static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private RecordingIds() {
    }

    public static boolean isValid(String id) {
        return id != null && SYNTAX.matcher(id).matches();
    }

    /** Returns {@code id} if valid, else throws IllegalArgumentException naming it and the syntax. */
    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(describeInvalid(id));
        }
        return id;
    }

    /** The syntax as reasons spell it: {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}. */
    public static String syntax() {
        return SYNTAX.pattern();
    }

    static String describeInvalid(String id) {
        if (id == null) {
            return "recording id (record key) is missing; it must match " + syntax();
        }
        String shown = id.length() > 140 ? id.substring(0, 140) + "…" : id;
        return "recording id (record key) '" + shown + "' (" + id.length() + " chars) does not match "
                + syntax() + " (1-128 chars of letters, digits, '.', '_', '-', starting with a letter or digit)";
    }
}
