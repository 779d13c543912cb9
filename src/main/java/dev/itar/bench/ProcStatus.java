package dev.itar.bench;

/** Fields of Linux's {@code /proc/<pid>/status}, e.g. {@code VmHWM:   123456 kB} (peak resident set size). */
final class ProcStatus {
    private ProcStatus() {
    }

    /** The value of {@code field} in kB. */
    static long kib(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                String v = line.substring(field.length() + 1).trim();
                if (!v.endsWith(" kB")) {
                    throw new IllegalArgumentException("/proc status field " + field + " is not in kB: '" + line + "'");
                }
                return Long.parseLong(v.substring(0, v.length() - 3).trim());
            }
        }
        throw new IllegalArgumentException("/proc status has no field " + field);
    }
}
