package org.mailroom.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Turns defaults, file and overrides into a {@link Config}. The three are merged as TOML trees first
 * (later ones win key by key), then the merged tree is bound onto the records in one go. Binding once
 * means every value is checked the same way whatever its origin, and a Jackson error (which carries the
 * path of the failing property) becomes one message naming the dotted key.
 */
final class ConfigReader {

    private static final TomlMapper MAPPER = TomlMapper.builder()
            // Jackson 3 ignores unknown properties by default; a misspelt key must stop the start.
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // recipients = 2.5 is a mistake, not 2.
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // --set dns.servers=127.0.0.1:5353 gives a string; take it as a list of one.
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new SimpleModule("mailroom-config")
                    .addDeserializer(Duration.class, new DurationDeserializer())
                    .addDeserializer(Path.class, new PathDeserializer()))
            .build();

    private ConfigReader() {}

    static Config read(Optional<Path> file, Map<String, String> overrides) {
        ObjectNode tree = (ObjectNode) MAPPER.readTree(ConfigFile.defaultsToml());
        if (file.isPresent()) merge(tree, readFile(file.get()));
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            applyOverride(tree, override.getKey(), override.getValue());
        }
        try {
            return MAPPER.treeToValue(tree, Config.class);
        } catch (JacksonException e) {
            throw translate(e, tree);
        }
    }

    private static ObjectNode readFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            // An empty (or all-comment) file reads as nothing at all.
            return node instanceof ObjectNode ? (ObjectNode) node : MAPPER.createObjectNode();
        } catch (JacksonException e) {
            TokenStreamLocation where = e.getLocation();
            String line = where != null && where.getLineNr() > 0 ? " line " + where.getLineNr() + ":" : "";
            throw new ConfigException(file + ":" + line + " not valid TOML: " + e.getOriginalMessage(), e);
        }
    }

    /** Copies {@code from} into {@code into}, table by table; a value in {@code from} wins. */
    private static void merge(ObjectNode into, ObjectNode from) {
        for (Map.Entry<String, JsonNode> field : from.properties()) {
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode && field.getValue() instanceof ObjectNode) {
                merge((ObjectNode) existing, (ObjectNode) field.getValue());
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }

    /** Sets one {@code --set key=value}: the value is read as TOML, else taken as a plain string. */
    static void applyOverride(ObjectNode tree, String key, String value) {
        if (!ConfigFile.keys().contains(key)) throw new ConfigException("unknown key '" + key + "'");
        int dot = key.indexOf('.');
        String section = key.substring(0, dot);
        String name = key.substring(dot + 1);
        JsonNode existing = tree.get(section);
        ObjectNode table = existing instanceof ObjectNode ? (ObjectNode) existing : tree.putObject(section);
        table.set(name, parseValue(value));
    }

    private static JsonNode parseValue(String value) {
        // A line break would let one --set smuggle in other keys; such a value can only be a string.
        if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            try {
                JsonNode parsed = MAPPER.readTree("v = " + value);
                if (parsed != null && parsed.has("v") && parsed.size() == 1) return parsed.get("v");
            } catch (JacksonException notToml) {
                // A bare word such as mx.example.org or :2525: a string, as documented.
            }
        }
        return StringNode.valueOf(value);
    }

    /** One line naming the dotted key: {@code limits.recipients: expected a number, got "abc"}. */
    private static ConfigException translate(JacksonException e, ObjectNode tree) {
        String key = dottedKey(e.getPath());
        if (e instanceof UnrecognizedPropertyException) {
            return new ConfigException("unknown key '" + key + "'", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadValue) return new ConfigException(key + ": " + ((BadValue) t).getOriginalMessage(), e);
        }
        if (e instanceof MismatchedInputException) {
            Class<?> target = ((MismatchedInputException) e).getTargetType();
            return new ConfigException(key + ": expected " + kind(target) + ", got " + describe(nodeAt(tree, e.getPath())), e);
        }
        return new ConfigException(key + ": " + e.getOriginalMessage(), e);
    }

    private static String dottedKey(List<JacksonException.Reference> path) {
        StringBuilder key = new StringBuilder();
        for (JacksonException.Reference ref : path) {
            if (ref.getPropertyName() == null) continue; // a list index: the key names the list
            if (key.length() > 0) key.append('.');
            key.append(ref.getPropertyName());
        }
        return key.length() == 0 ? "(top level)" : key.toString();
    }

    private static JsonNode nodeAt(JsonNode tree, List<JacksonException.Reference> path) {
        JsonNode node = tree;
        for (JacksonException.Reference ref : path) {
            if (node == null) return null;
            node = ref.getPropertyName() != null ? node.get(ref.getPropertyName()) : node.get(ref.getIndex());
        }
        return node;
    }

    private static String kind(Class<?> target) {
        if (target == null) return "another kind of value";
        if (target == int.class || target == long.class || target == Integer.class || target == Long.class) return "a number";
        if (target == String.class || target == Path.class) return "a string";
        if (target == boolean.class || target == Boolean.class) return "true or false";
        if (target == Duration.class) return "a duration such as \"5m\"";
        if (Collection.class.isAssignableFrom(target)) return "a list";
        if (target.isRecord()) return "a table";
        return "a " + target.getSimpleName();
    }

    private static String describe(JsonNode node) {
        if (node == null) return "nothing";
        if (node.isString()) return "\"" + node.asString() + "\"";
        if (node.isArray()) return "a list";
        if (node.isObject()) return "a table";
        return node.toString();
    }

    /** A value our own deserializers refuse; its message is already the operator's message. */
    static final class BadValue extends InvalidFormatException {
        BadValue(JsonParser p, String message, Object value, Class<?> target) {
            super(p, message, value, target);
        }
    }

    private static final class DurationDeserializer extends ValueDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
            // A bare 0 needs no unit (warn_after = 0); any other number does.
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getLongValue() == 0) return Duration.ZERO;
            if (p.currentToken() != JsonToken.VALUE_STRING) return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
            String text = p.getString();
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new BadValue(p, e.getMessage(), text, Duration.class);
            }
        }
    }

    private static final class PathDeserializer extends ValueDeserializer<Path> {
        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() != JsonToken.VALUE_STRING) return (Path) ctxt.handleUnexpectedToken(Path.class, p);
            String text = p.getString();
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new BadValue(p, "not a valid path: \"" + text + "\"", text, Path.class);
            }
        }
    }

    /** {@code limits.message_size}: a number of bytes, or a string with a unit ("35MiB"). */
    static final class SizeDeserializer extends ValueDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) {
            try {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) return p.getLongValue();
                if (p.currentToken() == JsonToken.VALUE_STRING) return Sizes.parse(p.getString());
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new BadValue(p, e.getMessage() != null ? e.getMessage() : "size too large", p.getString(), long.class);
            } catch (JacksonException e) {
                throw new BadValue(p, "size too large", null, long.class);
            }
            throw new BadValue(p, "expected a size in bytes such as 36700160 or \"35MiB\"", null, long.class);
        }
    }
}
