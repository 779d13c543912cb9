# itar-ingest: build the shaded jar with Maven, run it on a JRE.
#   docker build -t itar-ingest .
#   docker run --rm -v "$PWD/config:/config:ro" itar-ingest
#
# Both base images can be replaced, e.g. where no registry is reachable (docker-compose.yml passes
# ITAR_BUILD_IMAGE and ITAR_RUNTIME_IMAGE):
#   docker build --build-arg BUILD_IMAGE=my/maven-jdk17 --build-arg RUNTIME_IMAGE=my/jre17 -t itar-ingest .
# The build image needs a JDK 17 and Maven; if its local Maven repository already holds the build's
# dependencies (and its settings say <offline>true</offline>), no step needs the network. The runtime image
# needs a JRE 17, bash, groupadd and useradd.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# Dependencies first: the same build on the pom alone resolves every dependency and plugin the real build
# uses (and nothing else, so it works offline too); this layer stays cached while only sources change.
COPY pom.xml .
RUN mvn -B -q -DskipTests -Dshade.skip=true package
COPY src ./src
RUN mvn -B -DskipTests package

FROM ${RUNTIME_IMAGE}
# A non-root user owning the data directory, so a named volume mounted there (which copies the image
# directory's ownership on first use) is writable. Archives and state share one volume: a seal builds the
# archive under the state directory and renames it into the archive directory, which needs one file system.
RUN groupadd --system itar \
 && useradd --system --gid itar --home-dir /app --shell /usr/sbin/nologin itar \
 && mkdir -p /app /config /data/archives /data/state \
 && chown -R itar:itar /data
COPY --from=build /build/target/itar-ingest.jar /app/itar-ingest.jar
USER itar
WORKDIR /app
ENV ITAR_ARCHIVE_DIR=/data/archives \
    ITAR_STATE_DIR=/data/state
# The memory budget (README, "Memory"): a 1 GiB heap, NIO's per-thread temporary direct buffers bounded at
# 128 MiB (above the bound every socket read into a multi-MB fetch response allocated and zeroed a direct buffer of
# the whole remaining response: most of a stream thread's time), and an exit rather than a limping JVM on
# OutOfMemoryError (exactly-once state means a restart loses nothing). Override the whole variable to change it.
ENV JAVA_TOOL_OPTIONS="-Xmx1g -Djdk.nio.maxCachedBufferSize=134217728 -XX:+ExitOnOutOfMemoryError"
VOLUME ["/data"]
# HTTP /health (and metrics) of the ingestor.
EXPOSE 8080
CMD ["java", "-jar", "/app/itar-ingest.jar", "run", "--config", "/config/application.properties"]
