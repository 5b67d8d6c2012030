package dev.changelake.jobs.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How every Kafka client of the pipeline (the job's source, backlog probe and dead-letter producer; Debezium's schema
 * history clients) authenticates and encrypts, as {@code source.kafka.security}. Each value stands for the client
 * properties it needs; properties given in {@code source.kafka.properties} win over them. No value holds a secret:
 * IAM signs with the credentials of the role the client runs as (the MSF application's, MSK Connect's).
 */
public enum KafkaSecurity {
    /** No TLS, no authentication: a local broker, or an MSK cluster's plaintext listener (port 9092). */
    PLAINTEXT,
    /** TLS with the JVM's trusted certificate authorities, no client authentication: MSK's TLS listener (port 9094). */
    TLS,
    /**
     * TLS and AWS IAM authentication (SASL mechanism {@code AWS_MSK_IAM}, {@code software.amazon.msk:aws-msk-iam-auth}
     * on the client's classpath): MSK's IAM listener (port 9098).
     */
    IAM;

    /** The login module and callback handler of aws-msk-iam-auth, named because only the MSF jar carries the library. */
    static final String IAM_LOGIN_MODULE = "software.amazon.msk.auth.iam.IAMLoginModule";
    static final String IAM_CALLBACK_HANDLER = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";

    /** The Kafka client properties this setting stands for. */
    public Map<String, String> clientProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        switch (this) {
            case PLAINTEXT:
                break;
            case TLS:
                p.put("security.protocol", "SSL");
                break;
            case IAM:
                p.put("security.protocol", "SASL_SSL");
                p.put("sasl.mechanism", "AWS_MSK_IAM");
                p.put("sasl.jaas.config", IAM_LOGIN_MODULE + " required;");
                p.put("sasl.client.callback.handler.class", IAM_CALLBACK_HANDLER);
                break;
            default:
                throw new IllegalStateException(name());
        }
        return p;
    }
}
