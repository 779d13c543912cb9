package dev.itar.ncore;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Sequence-wide values of a recording.
 *
 * @param sequenceId      ncore sequence id (root attribute {@code sequence_id})
 * @param genericMetaData root attribute {@code generic_meta_data} (never null)
 * @param endT            the recording's inclusive end time from its {@code end} record, if any; the sequence
 *                        interval then reaches at least to it
 */
public record SequenceHeader(String sequenceId, ObjectNode genericMetaData, @JsonIgnore OptionalLong endT) {
    public SequenceHeader {
        Objects.requireNonNull(sequenceId, "sequenceId");
        genericMetaData = genericMetaData == null ? JsonNodeFactory.instance.objectNode() : genericMetaData;
        endT = endT == null ? OptionalLong.empty() : endT;
    }

    // Jackson has no OptionalLong support without the jdk8 module: (de)serialize it as a nullable number.
    @JsonCreator
    static SequenceHeader fromJson(@JsonProperty("sequenceId") String sequenceId,
                                   @JsonProperty("genericMetaData") ObjectNode genericMetaData,
                                   @JsonProperty("endTUs") Long endT) {
        return new SequenceHeader(sequenceId, genericMetaData,
                endT == null ? OptionalLong.empty() : OptionalLong.of(endT));
    }

    @JsonProperty("endTUs")
    Long endTOrNull() {
        return endT.isPresent() ? endT.getAsLong() : null;
    }
}
