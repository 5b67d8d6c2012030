package dev.changelake.schema.format.debezium;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the AWS Glue Schema Registry holds the writer schemas of the change topics, and how long the job keeps them.
 * Credentials come from the AWS default chain (the MSF application's role in AWS).
 */
public final class GlueSchemaRegistryOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String region;
    private final String registryName;
    private final URI endpoint;
    private final int cacheSize;
    private final Duration cacheTimeToLive;

    private GlueSchemaRegistryOptions(Builder b) {
        this.region = Objects.requireNonNull(b.region, "region");
        this.registryName = Objects.requireNonNull(b.registryName, "registryName");
        this.endpoint = b.endpoint;
        this.cacheSize = b.cacheSize;
        this.cacheTimeToLive = Objects.requireNonNull(b.cacheTimeToLive, "cacheTimeToLive");
        if (region.isBlank()) {
            throw new IllegalArgumentException("Glue Schema Registry region must not be blank");
        }
        if (cacheSize < 1) {
            throw new IllegalArgumentException("Glue Schema Registry cache size " + cacheSize + " must be at least 1");
        }
        if (cacheTimeToLive.isNegative() || cacheTimeToLive.isZero()) {
            throw new IllegalArgumentException("Glue Schema Registry cache time to live " + cacheTimeToLive + " must be positive");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public String region() {
        return region;
    }

    public String registryName() {
        return registryName;
    }

    /** The Glue endpoint when it is not the region's, else null. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * The configuration map of the Glue serde ({@code AWSSchemaRegistryConstants} keys): generic Avro records, so the
     * decoder reads them as the single-object path does, without generated classes.
     */
    Map<String, Object> serdeConfigs() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("region", region);
        c.put("registry.name", registryName);
        c.put("avroRecordType", "GENERIC_RECORD");
        c.put("dataFormat", "AVRO");
        // The serde parses these two as strings.
        c.put("cacheSize", String.valueOf(cacheSize));
        c.put("timeToLiveMillis", String.valueOf(cacheTimeToLive.toMillis()));
        c.put("userAgentApp", "changelake");
        if (endpoint != null) {
            c.put("endpoint", endpoint.toString());
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GlueSchemaRegistryOptions)) {
            return false;
        }
        GlueSchemaRegistryOptions g = (GlueSchemaRegistryOptions) o;
        return g.region.equals(region) && g.registryName.equals(registryName) && Objects.equals(g.endpoint, endpoint)
                && g.cacheSize == cacheSize && g.cacheTimeToLive.equals(cacheTimeToLive);
    }

    @Override
    public int hashCode() {
        return Objects.hash(region, registryName, endpoint, cacheSize, cacheTimeToLive);
    }

    @Override
    public String toString() {
        return "Glue Schema Registry " + registryName + " in " + region + (endpoint == null ? "" : " at " + endpoint);
    }

    public static final class Builder {
        private String region;
        private String registryName = "default-registry";
        private URI endpoint;
        private int cacheSize = 200;
        private Duration cacheTimeToLive = Duration.ofHours(24);

        /** The AWS region of the registry, e.g. {@code eu-west-1}. Required. */
        public Builder region(String v) { region = v; return this; }
        /** The registry's name; Glue's default is {@code default-registry}. */
        public Builder registryName(String v) { registryName = v; return this; }
        /** Another Glue endpoint than the region's (a VPC endpoint). */
        public Builder endpoint(URI v) { endpoint = v; return this; }
        /** How many schema versions the job keeps (default 200). */
        public Builder cacheSize(int v) { cacheSize = v; return this; }
        /** How long a schema version is kept before it is fetched again (default 24 h). */
        public Builder cacheTimeToLive(Duration v) { cacheTimeToLive = v; return this; }

        public GlueSchemaRegistryOptions build() {
            return new GlueSchemaRegistryOptions(this);
        }
    }
}
