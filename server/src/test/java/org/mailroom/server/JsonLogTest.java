package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.server.config.LogSection;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** {@code log.format = "json"}: every line on stdout is one JSON object, with the MDC and the formatted message. */
class JsonLogTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path data;

    @Test
    void theServerLogsOneJsonObjectPerLine() throws Exception {
        Path logFile = data.resolve("server.log");
        Process server = ServerJvm.start(data.resolve("data"), logFile, "log.format=json");
        List<String> lines;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(logFile)
                    && Files.readString(logFile).contains("mailroom started"));
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
        } finally {
            server.destroyForcibly();
        }
        assertThat(lines).isNotEmpty();
        boolean started = false;
        for (String line : lines) {
            if (line.isBlank()) continue;
            JsonNode event = JSON.readTree(line); // throws on a line that is not JSON
            assertThat(event.isObject()).as(line).isTrue();
            assertThat(event.get("level").asString()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(event.get("timestamp").asLong()).as(line).isPositive();
            assertThat(event.has("loggerName")).as(line).isTrue();
            String message = event.get("formattedMessage").asString();
            if (message.startsWith("mailroom started: ")) {
                started = true;
                assertThat(event.get("loggerName").asString()).isEqualTo(Server.class.getName());
                assertThat(message).contains("smtp=").doesNotContain("{}");
            }
        }
        assertThat(started).as("the start line, as JSON").isTrue();
        assertThat(String.join("\n", lines)).contains("mailroom stopped");
    }

    /** The MDC is kept, and a message with quotes and a line break stays one line of JSON. */
    @Test
    void theMdcIsKept() throws Exception {
        LoggerContext context = new LoggerContext(); // not the test JVM's own
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        context.start();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // A console appender as in logback.xml; its stream writes to whatever System.out is at the time.
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setName(LogFormat.APPENDER);
        appender.setContext(context);
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern("%msg%n");
        text.start();
        appender.setEncoder(text);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        LogFormat.apply(new LogSection("json", ""), context);
        context.getMDCAdapter().put("session", "s-42");
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            context.getLogger("json-test").info("client={} said \"{}\"", "192.0.2.1", "hello\nworld");
        } finally {
            System.setOut(stdout);
            context.getMDCAdapter().remove("session");
            context.stop();
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        JsonNode event = JSON.readTree(lines[0]);
        assertThat(event.has("formattedMessage")).as(lines[0]).isTrue();
        assertThat(event.get("formattedMessage").asString()).isEqualTo("client=192.0.2.1 said \"hello\nworld\"");
        assertThat(JSON.convertValue(event.get("mdc"), Map.class)).isEqualTo(Map.of("session", "s-42"));
        assertThat(event.get("loggerName").asString()).isEqualTo("json-test");
    }
}
