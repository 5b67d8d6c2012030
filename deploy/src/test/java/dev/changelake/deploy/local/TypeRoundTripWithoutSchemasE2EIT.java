package dev.changelake.deploy.local;

import dev.changelake.schema.Encoding;

/**
 * The every-type round trip with Debezium writing JSON without embedded schemas: the job takes each column's type from
 * the source's information_schema, and must land exactly the same values.
 */
class TypeRoundTripWithoutSchemasE2EIT extends TypeRoundTripE2EIT {
    @Override
    Encoding encoding() {
        return Encoding.JSON_WITHOUT_SCHEMAS;
    }
}
