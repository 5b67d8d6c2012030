package dev.changelake.lake.delta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * One table's commit for one checkpoint: the actions (files written, files removed) as JSON, and the checkpoint it
 * belongs to, which becomes the commit's transaction version for the sink's app id.
 */
final class DeltaCommittable {
    /** Not stamped yet: the writer does not know the checkpoint id when it prepares the commit. */
    static final long NO_CHECKPOINT = -1;

    final String tablePath;
    final long checkpointId;
    final List<String> actions;
    final int filesRewritten;
    final int changes;

    DeltaCommittable(String tablePath, long checkpointId, List<String> actions, int filesRewritten, int changes) {
        this.tablePath = tablePath;
        this.checkpointId = checkpointId;
        this.actions = List.copyOf(actions);
        this.filesRewritten = filesRewritten;
        this.changes = changes;
    }

    DeltaCommittable withCheckpointId(long id) {
        return new DeltaCommittable(tablePath, id, actions, filesRewritten, changes);
    }

    @Override
    public String toString() {
        return "DeltaCommittable{" + tablePath + ", checkpoint " + checkpointId + ", " + actions.size() + " actions, "
                + filesRewritten + " files rewritten, " + changes + " changes}";
    }

    static final class Serializer implements SimpleVersionedSerializer<DeltaCommittable> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(DeltaCommittable c) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            writeString(out, c.tablePath);
            out.writeLong(c.checkpointId);
            out.writeInt(c.filesRewritten);
            out.writeInt(c.changes);
            out.writeInt(c.actions.size());
            for (String a : c.actions) {
                writeString(out, a);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public DeltaCommittable deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("unknown Delta committable version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            String path = readString(in);
            long checkpointId = in.readLong();
            int filesRewritten = in.readInt();
            int changes = in.readInt();
            int n = in.readInt();
            List<String> actions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                actions.add(readString(in));
            }
            return new DeltaCommittable(path, checkpointId, actions, filesRewritten, changes);
        }

        // Not writeUTF: it stops at 64 KiB, and an action's statistics can be long.
        private static void writeString(DataOutputSerializer out, String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static String readString(DataInputDeserializer in) throws IOException {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
