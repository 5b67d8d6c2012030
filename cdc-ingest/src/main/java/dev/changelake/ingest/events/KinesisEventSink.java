package dev.changelake.ingest.events;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Events into a Kinesis data stream with the AWS SDK v2, keyed by user id, in PutRecords batches of up to 500 records
 * (no KPL aggregation: each event is one Kinesis record). Records a shard throttles are sent again, up to a bound.
 */
public final class KinesisEventSink implements EventSink {
    static final int MAX_BATCH = 500;
    private static final int MAX_ATTEMPTS = 10;
    private static final long MAX_BATCH_DELAY_NANOS = 200_000_000L;

    private final KinesisClient client;
    private final String stream;
    private final List<PutRecordsRequestEntry> batch = new ArrayList<>(MAX_BATCH);
    private long acknowledged;
    private long batchStartedNanos;

    /**
     * @param endpoint an endpoint override (a local kinesalite), or null for AWS's endpoint of {@code region}; with an
     *     override the client uses static dummy credentials and JSON instead of CBOR (set {@code aws.cborEnabled=false})
     */
    public KinesisEventSink(String stream, String region, URI endpoint) {
        KinesisClientBuilder b = KinesisClient.builder().region(Region.of(region));
        if (endpoint != null) {
            System.setProperty("aws.cborEnabled", "false");
            b.endpointOverride(endpoint)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.create());
        }
        this.client = b.build();
        this.stream = stream;
    }

    @Override
    public synchronized void send(String key, byte[] value) throws IOException {
        if (batch.isEmpty()) {
            batchStartedNanos = System.nanoTime();
        }
        batch.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromByteArray(value)).build());
        // full, or old enough that a slow producer's events would otherwise wait for the batch to fill
        if (batch.size() >= MAX_BATCH || System.nanoTime() - batchStartedNanos > MAX_BATCH_DELAY_NANOS) {
            flush();
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        List<PutRecordsRequestEntry> pending = new ArrayList<>(batch);
        batch.clear();
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IOException(pending.size() + " records were not accepted by Kinesis stream " + stream
                        + " after " + MAX_ATTEMPTS + " attempts");
            }
            final List<PutRecordsRequestEntry> records = pending;
            PutRecordsResponse r = client.putRecords(p -> p.streamName(stream).records(records));
            List<PutRecordsRequestEntry> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = r.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(records.get(i)); // throttled or an internal error: the SDK's retries do not cover these
                }
            }
            acknowledged += records.size() - failed.size();
            pending = failed;
            if (!failed.isEmpty()) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L * attempt); // back off from a hot shard
            }
        }
    }

    @Override
    public synchronized long acknowledged() {
        return acknowledged;
    }

    @Override
    public String describe() {
        return "Kinesis stream " + stream;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            client.close();
        }
    }
}
