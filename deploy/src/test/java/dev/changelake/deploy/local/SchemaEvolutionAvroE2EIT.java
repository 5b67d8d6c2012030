package dev.changelake.deploy.local;

import dev.changelake.schema.Encoding;

/** The schema-evolution modes with the Avro capture: new writer schemas arrive through the schema store. */
class SchemaEvolutionAvroE2EIT extends SchemaEvolutionE2EIT {
    @Override
    Encoding encoding() {
        return Encoding.AVRO;
    }
}
