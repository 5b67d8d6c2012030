package dev.changelake.ingest.avro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** A directory of {@code <fingerprint>.avsc} files. */
final class DirectorySchemaStore implements WriterSchemaStore {
    private final Path dir;

    DirectorySchemaStore(Path dir) {
        this.dir = dir;
    }

    @Override
    public Optional<String> get(long fingerprint) throws IOException {
        try {
            return Optional.of(Files.readString(dir.resolve(WriterSchemaStore.objectName(fingerprint)), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void put(long fingerprint, String schemaJson) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(WriterSchemaStore.objectName(fingerprint));
        // Written aside and renamed: a reader polling the directory never sees a half-written schema.
        Path tmp = Files.createTempFile(dir, ".schema-", ".tmp");
        try {
            Files.writeString(tmp, schemaJson, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String toString() {
        return dir.toUri().toString();
    }
}
