package dev.itar.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real {@link EmbeddedKafkaBroker} per test class: started in beforeAll, closed in afterAll.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * ... KAFKA.bootstrapServers() ...
 * }</pre>
 *
 * Test and lifecycle methods may also take an {@link EmbeddedKafkaBroker} parameter. Nested test classes
 * share the outer class's broker.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final Map<String, String> properties;
    private EmbeddedKafkaBroker broker;
    private String ownerId;

    public KafkaBrokerExtension() {
        this(Map.of());
    }

    /** @param properties broker settings overriding {@link EmbeddedKafkaBroker}'s defaults */
    public KafkaBrokerExtension(Map<String, String> properties) {
        this.properties = new LinkedHashMap<>(properties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (broker != null) {
            return; // a @Nested class: keep the outer class's broker
        }
        broker = EmbeddedKafkaBroker.builder().properties(properties).start();
        ownerId = context.getUniqueId();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null && context.getUniqueId().equals(ownerId)) {
            broker.close();
            broker = null;
            ownerId = null;
        }
    }

    public EmbeddedKafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("Kafka broker is not running: register KafkaBrokerExtension as a "
                    + "static @RegisterExtension field and use it from tests, not from static initialisers");
        }
        return broker;
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker();
    }
}
