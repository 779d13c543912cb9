package dev.itar.publish;

import java.io.IOException;
import java.util.List;

/** Parts of an archive the wire format cannot carry, none of them skipped: publishing would lose them. */
public final class UncarriedContentException extends IOException {
    private final transient List<String> items;

    public UncarriedContentException(String archive, List<String> items) {
        super(archive + ": " + items.size() + " part" + (items.size() == 1 ? "" : "s") + " of the sequence cannot be "
                + "carried by the wire format (publishing would lose " + (items.size() == 1 ? "it" : "them")
                + "; --skip PATH leaves one out on purpose): " + String.join("; ", items));
        this.items = List.copyOf(items);
    }

    /** One line per part: what and why. */
    public List<String> items() {
        return items;
    }
}
