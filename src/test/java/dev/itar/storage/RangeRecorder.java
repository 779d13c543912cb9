package dev.itar.storage;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/** Records the Range header of every GetObject a client sends, so a test can see what was read. */
final class RangeRecorder implements ExecutionInterceptor {
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof GetObjectRequest) {
            ranges.add(context.httpRequest().firstMatchingHeader("Range").orElse("(whole object)"));
        }
    }

    List<String> ranges() {
        return List.copyOf(ranges);
    }

    void clear() {
        ranges.clear();
    }
}
