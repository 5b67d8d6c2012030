package dev.changelake.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The few calls of the Kafka Connect REST API the capture stage needs. */
final class ConnectRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ConnectRestClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** Creates the connector, or updates its configuration when it exists. */
    void putConfig(String connector, Map<String, String> config) throws IOException {
        send("PUT", "/connectors/" + connector + "/config", JSON.writeValueAsString(config));
    }

    /** The connector's state and its tasks' states, e.g. RUNNING; null when the connector does not exist. */
    JsonNode status(String connector) throws IOException {
        HttpResponse<String> r = call("GET", "/connectors/" + connector + "/status", null);
        return r.statusCode() == 404 ? null : JSON.readTree(r.body());
    }

    /** The connector's stored source offsets ({@code {"offsets": [{"partition": …, "offset": …}]}}). */
    JsonNode offsets(String connector) throws IOException {
        HttpResponse<String> r = call("GET", "/connectors/" + connector + "/offsets", null);
        if (r.statusCode() / 100 != 2) {
            throw new IOException("Kafka Connect GET offsets of " + connector + " failed: HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Stops the connector and its tasks but keeps it registered, as deleting its offsets requires (KIP-875). */
    void stop(String connector) throws IOException {
        send("PUT", "/connectors/" + connector + "/stop", null);
    }

    void resume(String connector) throws IOException {
        send("PUT", "/connectors/" + connector + "/resume", null);
    }

    /** Forgets the stored source offsets of a stopped connector, so it starts as if new. */
    void deleteOffsets(String connector) throws IOException {
        send("DELETE", "/connectors/" + connector + "/offsets", null);
    }

    /** Stops the connector and its tasks and starts them again; the tasks resume from the stored offsets. */
    void restart(String connector) throws IOException {
        send("POST", "/connectors/" + connector + "/restart?includeTasks=true&onlyFailed=false", null);
    }

    void delete(String connector) throws IOException {
        HttpResponse<String> r = call("DELETE", "/connectors/" + connector, null);
        if (r.statusCode() != 404 && r.statusCode() / 100 != 2) {
            throw new IOException("DELETE connector " + connector + " failed: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private void send(String method, String path, String body) throws IOException {
        HttpResponse<String> r = call(method, path, body);
        if (r.statusCode() / 100 != 2) {
            throw new IOException("Kafka Connect " + method + " " + path + " failed: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted calling Kafka Connect at " + baseUrl, e);
        }
    }
}
