package dev.itar.ncore;

/**
 * Python's {@code repr()} of strings and of a pair, as ncore uses {@code str((source, target))} for pose keys:
 * {@code ('rig', 'world')}.
 */
final class PyRepr {
    private PyRepr() {}

    /** {@code str((a, b))} in Python 3. */
    static String pair(String a, String b) {
        return "(" + string(a) + ", " + string(b) + ")";
    }

    /** {@code repr(s)} in Python 3: single quotes unless the text has ' and no ", escapes for \ and controls. */
    static String string(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp >= 0x80 && !printable(cp)) {
                sb.append(cp <= 0xff ? String.format("\\x%02x", cp)
                        : cp <= 0xffff ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.append(quote).toString();
    }

    /** Approximates Python's str.isprintable for non-ASCII code points (controls, separators, unassigned). */
    private static boolean printable(int cp) {
        int type = Character.getType(cp);
        return switch (type) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            case Character.SPACE_SEPARATOR -> cp == ' ';
            default -> true;
        };
    }

    /** Parses {@code ('a', 'b')} back into its two strings (the simple spellings {@link #pair} writes). */
    static String[] parsePair(String s) {
        String t = s.trim();
        if (!t.startsWith("(") || !t.endsWith(")")) {
            throw new IllegalArgumentException("pose key " + s + " is not a Python pair");
        }
        int[] pos = {1};
        String a = readString(t, pos);
        skip(t, pos);
        if (pos[0] >= t.length() || t.charAt(pos[0]) != ',') {
            throw new IllegalArgumentException("pose key " + s + " is not a Python pair");
        }
        pos[0]++;
        skip(t, pos);
        String b = readString(t, pos);
        skip(t, pos);
        if (pos[0] != t.length() - 1) {
            throw new IllegalArgumentException("pose key " + s + " is not a Python pair");
        }
        return new String[] {a, b};
    }

    private static void skip(String t, int[] pos) {
        while (pos[0] < t.length() && t.charAt(pos[0]) == ' ') {
            pos[0]++;
        }
    }

    private static String readString(String t, int[] pos) {
        skip(t, pos);
        if (pos[0] >= t.length()) {
            throw new IllegalArgumentException("pose key " + t + ": string expected");
        }
        char q = t.charAt(pos[0]++);
        if (q != '\'' && q != '"') {
            throw new IllegalArgumentException("pose key " + t + ": quoted string expected at " + (pos[0] - 1));
        }
        StringBuilder sb = new StringBuilder();
        while (pos[0] < t.length()) {
            char c = t.charAt(pos[0]++);
            if (c == q) {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = t.charAt(pos[0]++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'x' -> { sb.appendCodePoint(Integer.parseInt(t.substring(pos[0], pos[0] + 2), 16)); pos[0] += 2; }
                case 'u' -> { sb.appendCodePoint(Integer.parseInt(t.substring(pos[0], pos[0] + 4), 16)); pos[0] += 4; }
                case 'U' -> { sb.appendCodePoint(Integer.parseInt(t.substring(pos[0], pos[0] + 8), 16)); pos[0] += 8; }
                default -> sb.append(e);
            }
        }
        throw new IllegalArgumentException("pose key " + t + ": unterminated string");
    }
}
