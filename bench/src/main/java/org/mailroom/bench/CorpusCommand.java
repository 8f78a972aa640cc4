package org.mailroom.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench corpus}: writes the corpus messages as files, to look at them or feed other tools. */
@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = "Write the benchmark corpus (deterministic for a seed) as .eml files.")
final class CorpusCommand implements Callable<Integer> {

    private final PrintStream out;

    CorpusCommand(PrintStream out) {
        this.out = out;
    }

    @Option(names = "--dir", required = true, description = "Directory to write into (created if missing).")
    Path dir;

    @Option(names = "--messages", defaultValue = "100", description = "How many (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--size", defaultValue = "4096", description = "Octets per message (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dir);
        Corpus corpus = new Corpus(seed, size);
        for (int i = 0; i < messages; i++) {
            Files.write(dir.resolve(String.format("%06d.eml", i)), corpus.message(i));
        }
        out.printf("wrote %d messages of %d octets (seed %d) to %s%n", messages, size, seed, dir);
        return 0;
    }
}
