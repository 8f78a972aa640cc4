package org.mailroom.mailauth.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.EdECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.mailroom.mailauth.dkim.DkimKey;

/**
 * dkimpy (Debian's python3-dkim, run by {@code /usr/bin/python3}: pyenv's python3 lacks it) as an independent
 * signer and verifier. Where it is missing the test is skipped with the reason, except under CI (env CI set),
 * where it fails: CI must install python3-dkim and python3-nacl.
 */
public final class Dkimpy {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Path dir;

    public Dkimpy(Path dir) {
        this.dir = dir;
        requireAvailable();
    }

    /** Skips (or under CI fails) the calling test when dkimpy cannot be run. */
    public static void requireAvailable() {
        String problem = null;
        if (!Files.isExecutable(PYTHON)) {
            problem = PYTHON + " is missing";
        } else {
            try {
                Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import dkim, nacl.signing")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    problem = "python3-dkim or python3-nacl is not installed for " + PYTHON + ": " + out.strip();
                }
            } catch (IOException | InterruptedException e) {
                problem = "cannot run " + PYTHON + ": " + e;
            }
        }
        if (problem != null) {
            if (System.getenv("CI") != null) {
                fail("dkimpy cross-check needs Debian's python3-dkim and python3-nacl under CI: " + problem);
            }
            Assumptions.abort("dkimpy cross-check skipped: " + problem);
        }
    }

    /** dkimpy's verdict on each DKIM-Signature, top first: "pass" or "fail ...". */
    public List<String> verify(String message, Map<String, String> zone) throws IOException {
        return lines(run("verify", message, zone));
    }

    /** A DKIM-Signature made by dkimpy. */
    public String sign(String message, DkimKey key, String canonicalization) throws IOException {
        return run("sign", message, Map.of(), key.selector(), key.domain(), keyFile(key).toString(),
                key.algorithm().tag(), canonicalization);
    }

    /** dkimpy's ARC chain validation: "pass", "fail ..." or "none". */
    public String arcVerify(String message, Map<String, String> zone) throws IOException {
        return run("arc_verify", message, zone).strip();
    }

    /** The ARC set dkimpy adds (rsa-sha256), using the Authentication-Results of {@code srvId}. */
    public String arcSign(String message, DkimKey key, String srvId, long timestamp) throws IOException {
        return run("arc_sign", message, Map.of(), key.selector(), key.domain(), keyFile(key).toString(), srvId,
                Long.toString(timestamp));
    }

    private Path keyFile(DkimKey key) throws IOException {
        String text;
        if (key.privateKey() instanceof EdECPrivateKey ed) {
            text = Base64.getEncoder().encodeToString(ed.getBytes().orElseThrow());
        } else {
            text = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.privateKey().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }
        return Files.writeString(Files.createTempFile(dir, "key", ".txt"), text);
    }

    private String run(String command, String message, Map<String, String> zone, String... args) throws IOException {
        Path script = dir.resolve("dkimpy_tool.py");
        if (!Files.exists(script)) {
            try (InputStream in = Dkimpy.class.getResourceAsStream("/dkim/dkimpy_tool.py")) {
                Files.copy(in, script);
            }
        }
        Path messageFile = Files.write(Files.createTempFile(dir, "msg", ".eml"), message.getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder z = new StringBuilder();
        zone.forEach((name, value) -> z.append(name).append('\t').append(value).append('\n'));
        Path zoneFile = Files.writeString(Files.createTempFile(dir, "zone", ".txt"), z);
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), command,
                messageFile.toString(), zoneFile.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dkimpy " + command + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("dkimpy " + command + " exited " + p.exitValue() + ": " + err);
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static List<String> lines(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
