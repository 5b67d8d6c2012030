package dev.changelake.deploy.local;

import dev.changelake.schema.Encoding;

/** The every-type round trip with Debezium writing Avro (single-object encoding, writer schemas in the store). */
class TypeRoundTripAvroE2EIT extends TypeRoundTripE2EIT {
    @Override
    Encoding encoding() {
        return Encoding.AVRO;
    }
}
