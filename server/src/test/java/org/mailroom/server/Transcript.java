package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A protocol conversation kept as data: {@code C: text} is sent with CRLF, {@code S: pattern} must match the
 * next line the server sends ({@code *} matches anything), {@code S* pattern} matches any number of lines (for
 * multi-line replies whose length does not matter), {@code S: <closed>} expects the connection to end.
 * {@code C+ text} sends without a line end; escapes {@code \r \n \0} work in C lines. Blank lines and
 * {@code #} comments are skipped.
 */
final class Transcript {

    private final String name;
    private final List<String> lines;

    Transcript(String name, List<String> lines) {
        this.name = name;
        this.lines = lines;
    }

    /** Something to do before one transcript is played, given its name without ".txt" (IMAP: make its account). */
    interface Setup {
        void before(String name) throws Exception;
    }

    /**
     * One dynamic test per {@code .txt} file of a resource folder, each played against {@code server}; fails if the
     * folder holds fewer than {@code atLeast} (a transcript lost in a move must not go unnoticed).
     */
    static java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> folder(String resource, int atLeast, Setup setup,
                                                                           InetSocketAddress server) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(Transcript.class.getResource(resource).toURI());
        List<java.nio.file.Path> files;
        try (java.util.stream.Stream<java.nio.file.Path> list = java.nio.file.Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(atLeast);
        return files.stream().map(file -> org.junit.jupiter.api.DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            setup.before(name.substring(0, name.length() - 4));
            String text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
            assertThat(parse(name, text).play(server)).isPositive();
        }));
    }

    static Transcript parse(String name, String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            lines.add(line);
        }
        return new Transcript(name, lines);
    }

    /** Plays the conversation; returns the number of server lines checked. */
    int play(InetSocketAddress server) throws IOException {
        int checked = 0;
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int n = 0;
            for (String line : lines) {
                n++;
                if (line.startsWith("C: ") || line.startsWith("C+ ")) {
                    String text = unescape(line.substring(3)) + (line.startsWith("C: ") ? "\r\n" : "");
                    out.write(text.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else if (line.startsWith("S* ")) {
                    Pattern pattern = glob(line.substring(3));
                    while (true) {
                        in.mark(16_384);
                        String got = in.readLine();
                        if (got == null || !pattern.matcher(got).matches()) {
                            in.reset();
                            break;
                        }
                        checked++;
                    }
                } else if (line.startsWith("S: ")) {
                    String expected = line.substring(3);
                    String got;
                    try {
                        got = in.readLine();
                    } catch (SocketTimeoutException e) {
                        got = "<timeout>";
                    } catch (IOException e) {
                        got = null; // reset by peer counts as closed
                    }
                    if (expected.equals("<closed>")) {
                        assertThat(got).as("%s line %d: expected the connection to close", name, n).isNull();
                    } else {
                        if (got == null) fail(name + " line " + n + ": connection closed, expected " + expected);
                        assertThat(got).as("%s line %d", name, n).matches(glob(expected));
                    }
                    checked++;
                } else {
                    fail(name + ": bad transcript line " + line);
                }
            }
        }
        return checked;
    }

    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (re.length() > 0) re.append(".*");
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0");
    }
}
