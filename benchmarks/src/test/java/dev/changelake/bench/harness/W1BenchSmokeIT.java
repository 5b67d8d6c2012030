package dev.changelake.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code changelake bench w1} end to end at a tiny size: every contender drains the topic, every lake table equals
 * the generator's final table (the command exits 0 only then), and the results file has one parsable line per
 * measure and its chart.
 */
class W1BenchSmokeIT {
    @TempDir
    Path dir;

    @Test
    void benchW1DrainsEveryContenderVerifiesTheTablesAndWritesOneLinePerMeasure() throws Exception {
        int exit = new CommandLine(new W1Command()).execute("--rows", "2000", "--events", "6000", "--pairs", "1",
                "--checkpoint-interval", "5s", "--steady-rate", "500", "--steady-duration", "15s", "--state-keys", "0", "--snapshot-rows", "0",
                "--work-dir", dir.resolve("work").toString(), "--results", dir.resolve("results").toString());

        assertThat(exit).as("exit code: 0 only when every lake table equals the generator's table").isZero();
        Path results = dir.resolve("results").resolve(LocalDate.now() + "-w1.md");
        List<String> lines = Files.readAllLines(results, StandardCharsets.UTF_8);
        assertThat(lines).anyMatch(l -> l.matches("P1: \\d+ events/s .*"))
                .anyMatch(l -> l.matches("P2: \\d+\\.\\d+x .*"))
                .anyMatch(l -> l.matches("P3: \\d+% .*"))
                .anyMatch(l -> l.matches("P4: \\d+\\.\\d+ rows/event .*"))
                .anyMatch(l -> l.matches("P5: \\d+\\.\\d s p99, \\d+\\.\\d s p50 .*"))
                .anyMatch(l -> l.matches("P6: \\d+ checkpoints .*"))
                .anyMatch(l -> l.matches("Delta: \\d+\\.\\d+x .*files rewritten per Delta commit: \\[.*\\]"));
        assertThat(lines.stream().filter(l -> l.endsWith("| OK |") || l.endsWith("| DIFFERS |")))
                .as("one verified lake table per lake-writing run: ours JSON, B1, ours Avro, ours Delta")
                .hasSize(4).allMatch(l -> l.endsWith("| OK |"));
        byte[] png = Files.readAllBytes(results.resolveSibling(LocalDate.now() + "-w1.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
}
