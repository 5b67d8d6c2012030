package dev.changelake.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SourcePositionTest {

    @Test
    void laterBinlogFileWinsOverHigherPositionInAnEarlierFile() {
        SourcePosition early = new SourcePosition(false, 3, 900_000, 5, null);
        SourcePosition late = new SourcePosition(false, 4, 4, 0, null);
        assertThat(late.isAfter(early)).isTrue();
    }

    @Test
    void rowIndexOrdersRowsOfOneEvent() {
        assertThat(new SourcePosition(false, 1, 100, 1, null).isAfter(new SourcePosition(false, 1, 100, 0, null))).isTrue();
    }

    @Test
    void snapshotReadSortsBeforeAnyStreamedChange() {
        SourcePosition snapshot = new SourcePosition(true, 9, 999_999, 0, null);
        SourcePosition streamed = new SourcePosition(false, 1, 4, 0, null);
        assertThat(streamed.isAfter(snapshot)).isTrue();
    }

    @Test
    void samePositionIsNotNewer() {
        SourcePosition a = new SourcePosition(false, 2, 10, 3, "0-1-1");
        SourcePosition b = new SourcePosition(false, 2, 10, 3, null);
        assertThat(a.isAfter(b)).isFalse();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void orderIsTotalAndMatchesTheTupleOrderForRandomPositions() {
        Random random = new Random(42);
        List<SourcePosition> positions = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            positions.add(new SourcePosition(random.nextInt(5) == 0, random.nextInt(3), random.nextInt(50), random.nextInt(3), null));
        }
        Collections.shuffle(positions, random);
        Collections.sort(positions);
        for (int i = 1; i < positions.size(); i++) {
            SourcePosition p = positions.get(i - 1);
            SourcePosition q = positions.get(i);
            long pk = key(p);
            long qk = key(q);
            assertThat(pk).isLessThanOrEqualTo(qk);
            assertThat(q.isAfter(p)).isEqualTo(qk > pk);
        }
    }

    private static long key(SourcePosition p) {
        return ((p.snapshot() ? 0L : 1L) << 40) | (p.fileSequence() << 20) | (p.position() << 4) | p.rowIndex();
    }

    @Test
    void binlogFileNameGivesItsSequence() {
        assertThat(SourcePosition.fileSequence("binlog.000042")).isEqualTo(42);
        assertThat(SourcePosition.fileSequence("mysql-bin-changelog.001234")).isEqualTo(1234);
        assertThatThrownBy(() -> SourcePosition.fileSequence("binlog")).hasMessageContaining("does not end in .<number>");
    }
}
