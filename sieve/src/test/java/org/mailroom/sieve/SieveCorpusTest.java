package org.mailroom.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of {@code src/test/resources/corpus/*.svtest} (see {@link CorpusCase} for the format): compile
 * the script, run it against the message in the case's environment (several times when the case says "runs"),
 * and compare the outcome of the last run with the expect section, line for line.
 */
class SieveCorpusTest {

    static Stream<CorpusCase> cases() throws IOException, URISyntaxException {
        Path corpus = Path.of(SieveCorpusTest.class.getResource("/corpus").toURI());
        List<CorpusCase> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".svtest")).sorted().toList()) {
                all.addAll(CorpusCase.load(f, corpus.resolve("messages")));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpus(CorpusCase c) throws Exception {
        SieveCompiler compiler = new SieveCompiler();
        if (c.expect().size() == 1 && c.expect().get(0).startsWith("compile-error:")) {
            String expected = c.expect().get(0).substring("compile-error:".length()).trim();
            SieveSyntaxException e = catchThrowableOfType(() -> compiler.compile(c.name(), c.script()),
                    SieveSyntaxException.class);
            assertThat(e).as("compile error").isNotNull();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+): (.*)").matcher(expected);
            if (m.matches()) {
                assertThat(e.line()).as(e.getMessage()).isEqualTo(Integer.parseInt(m.group(1)));
                expected = m.group(2);
            }
            assertThat(e.getMessage()).contains(expected);
            return;
        }
        SieveScript script = compiler.compile(c.name(), c.script());
        CorpusCase.Env env = c.new Env();
        int runs = Integer.parseInt(c.env().getOrDefault("runs", "1"));
        Duration advance = Duration.parse(c.env().getOrDefault("advance", "PT0S"));
        SieveOutcome outcome = null;
        for (int i = 0; i < runs; i++) {
            if (i > 0) env.now = env.now.plus(advance);
            outcome = script.run(c.sieveMessage(), env);
        }
        List<String> expected = c.expect();
        if (!expected.isEmpty() && expected.get(expected.size() - 1).startsWith("error:")) {
            assertThat(outcome.error()).as("run-time error").isNotNull()
                    .contains(expected.get(expected.size() - 1).substring(6).trim());
            expected = expected.subList(0, expected.size() - 1);
        } else {
            assertThat(outcome.error()).as("run-time error").isNull();
        }
        assertThat(CorpusCase.render(outcome)).containsExactlyElementsOf(expected);
    }
}
