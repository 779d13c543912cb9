package dev.itar.publish;

import java.io.IOException;
import java.util.List;

/** Parts of an archive the wire format cannot carry, none of them skipped: publishing would lose them. */
public final class UncarriedContentException extends IOException {
    /** Parts named in the message; {@link #items()} has them all. */
    private static final int SHOWN = 20;
    private final transient List<String> items;

    public UncarriedContentException(String archive, List<String> items) {
        super(archive + ": " + items.size() + " part" + (items.size() == 1 ? "" : "s") + " of the sequence cannot be "
                + "carried by the wire format (publishing would lose " + (items.size() == 1 ? "it" : "them")
                + "; --skip PATH leaves one out on purpose): " + String.join("; ", items.subList(0,
                Math.min(items.size(), SHOWN))) + (items.size() > SHOWN ? "; (+" + (items.size() - SHOWN) + " more)"
                : ""));
        this.items = List.copyOf(items);
    }

    /** One line per part: what and why. */
    public List<String> items() {
        return items;
    }
}
