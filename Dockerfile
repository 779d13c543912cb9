# itar-ingest: build the shaded jar with Maven, run it on a JRE.
#   docker build -t itar-ingest .
#   docker run --rm -v "$PWD/config:/config:ro" itar-ingest

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first: this layer stays cached while only sources change.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -DskipTests package

FROM eclipse-temurin:17-jre
# A non-root user owning the archive and state directories, so named volumes mounted there
# (which copy the image directory's ownership on first use) are writable.
RUN groupadd --system itar \
 && useradd --system --gid itar --home-dir /app --shell /usr/sbin/nologin itar \
 && mkdir -p /app /archives /state /config \
 && chown itar:itar /archives /state
COPY --from=build /build/target/itar-ingest.jar /app/itar-ingest.jar
USER itar
WORKDIR /app
ENV ITAR_ARCHIVE_DIR=/archives \
    ITAR_STATE_DIR=/state
VOLUME ["/archives", "/state"]
# HTTP /health (and metrics) of the ingestor.
EXPOSE 8080
CMD ["java", "-jar", "/app/itar-ingest.jar", "run", "--config", "/config/application.properties"]
