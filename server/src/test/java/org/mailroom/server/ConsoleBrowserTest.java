package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.delivery.testing.TestDnsServer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The web console in a real browser (issue 14): Debian's headless Chromium driven by Selenium through Debian's
 * chromedriver, against a real server on ephemeral ports. The administrator's walk: log in with a token made by
 * the command line, add a domain and a user, see the user listed; a message submitted by that user to a domain
 * whose DNS fails stays in the queue, where the page shows it with its recipient and its delivery record; delete
 * it and the queue is empty; the dashboard counts what happened and lists it; the DNS page and the log tail show
 * their part.
 *
 * <p>The browser is started once for the class (it costs a few seconds of CPU) and never downloads anything: the
 * driver and the browser are named explicitly, so Selenium Manager has nothing to look for. Without them the test
 * fails (here and in CI alike) saying what to install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private Path dir;
    private TestDnsServer dns;
    private TestServer server;
    private ChromeDriverService service;
    private WebDriver browser;
    private WebDriverWait waiting;
    private String token;
    private final Map<Logger, Level> levels = new java.util.HashMap<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        requireBrowser();
        this.dir = dir;
        // The recent deliveries and refusals are the log's INFO lines of these two: tests log at WARN otherwise.
        for (String name : List.of("org.mailroom.protocol.smtp.SmtpSession", "org.mailroom.delivery.QueueRunner")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            levels.put(logger, logger.getLevel());
            logger.setLevel(Level.INFO);
        }
        dns = TestDnsServer.start();
        dns.servfail("unreachable.test");
        server = TestServer.start(dir.resolve("data"), Map.of("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]"));
        token = cli("admin", "token", "add", "browser").lines().findFirst().orElseThrow();

        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
        waiting = new WebDriverWait(browser, WAIT);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.quit();
        if (service != null) service.stop();
        if (server != null) server.close();
        if (dns != null) dns.close();
        levels.forEach(Logger::setLevel);
    }

    /** Debian's packages, named: nothing is downloaded, and a machine without them fails with the remedy. */
    private static void requireBrowser() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) missing.add(CHROMIUM.toString());
        if (!Files.isExecutable(CHROMEDRIVER)) missing.add(CHROMEDRIVER.toString());
        if (!missing.isEmpty()) {
            fail("the web console's browser test needs Debian's headless Chromium and its driver, missing: " + missing
                    + ". Install them with: apt-get install -y chromium chromium-driver");
        }
    }

    @Test
    void anAdministratorAddsAUserAndWatchesAMessageInTheQueue() throws Exception {
        String base = "http://127.0.0.1:" + server.admin().getPort();
        browser.get(base + "/");
        ((ChromeDriver) browser).executeScript("sessionStorage.clear();"); // the other test may have logged in
        browser.navigate().refresh();
        waitVisible("page-login");
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/console/");

        // A wrong token is refused and not kept.
        type("login-token", "mrt_" + "x".repeat(43));
        click("login-submit");
        waitText("login-error", "refused");
        assertThat(sessionToken()).isNull();

        type("login-token", token);
        click("login-submit");
        waitVisible("page-dashboard");
        assertThat(browser.getCurrentUrl()).doesNotContain(token.substring(4));
        assertThat(sessionToken()).isEqualTo(token);

        // A domain and a user, through the pages.
        click("nav-domains");
        waitVisible("page-domains");
        type("domain-name", "shop.test");
        click("domain-add-submit");
        waitText("domains", "shop.test");
        waitText("notice", "Added shop.test");
        assertThat(server.server.storage().directory().isLocalDomain("shop.test")).isTrue();

        click("nav-users");
        waitVisible("page-users");
        type("user-address", "carol@shop.test");
        type("user-password", "browser pass");
        click("user-add-submit");
        waitText("users", "carol@shop.test");
        assertThat(server.server.storage().directory().authenticate("carol@shop.test", "browser pass".toCharArray()))
                .contains("carol@shop.test");

        // Carol submits a message to a domain whose DNS fails: it waits in the queue after one attempt.
        submit("carol@shop.test", "browser pass", "someone@unreachable.test");
        // A message for a local user, and a recipient that does not exist (refused with 550 5.1.1), on port 25.
        smtpOnPort25();
        MailQueue.Entry queued = await().atMost(WAIT).until(() -> onlyQueued(),
                e -> e != null && e.attempts() >= 1);

        click("nav-queue");
        waitVisible("page-queue");
        WebElement row = waiting.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#queue tr[data-id='" + queued.id() + "']")));
        assertThat(row.getText()).contains("someone@unreachable.test (pending)").contains("carol@shop.test");

        // Its delivery record, with the attempt the runner made.
        row.findElement(By.linkText(queued.id())).click();
        waitVisible("page-queue-entry");
        waitText("entry-history", "Attempt 1");
        assertThat(text("entry-history")).contains("unreachable.test");
        assertThat(text("entry-recipients")).contains("someone@unreachable.test").contains("pending");
        assertThat(text("entry-fields")).contains("carol@shop.test");

        // Try now: the runner makes a second attempt at once (DNS fails again).
        click("entry-flush");
        waitText("notice", "new attempt");
        await().atMost(WAIT).until(() -> server.server.storage().mailQueue().get(queued.id())
                .map(MailQueue.Entry::attempts).orElse(0) >= 2);

        // Delete asks for a second click, then the queue is empty.
        click("entry-delete");
        waitText("entry-delete", "Click again");
        assertThat(server.server.storage().mailQueue().get(queued.id())).isPresent();
        click("entry-delete");
        waitVisible("page-queue");
        waitVisible("queue-empty");
        waitText("notice", "Deleted");
        assertThat(server.server.storage().mailQueue().get(queued.id())).isEmpty();

        // The dashboard: two messages received (submission and port 25), two refusals (a recipient, a message),
        // two deferred attempts, one copy stored; the recent list names them.
        click("nav-dashboard");
        waitVisible("page-dashboard");
        waitExactText("stat-accepted", "2");
        waitExactText("stat-refused", "2");
        waitExactText("stat-local", "1");
        waitExactText("stat-deferred", "2");
        waitExactText("stat-queue", "0");
        waitText("refusals", "550 5.1.1");
        assertThat(text("refusals")).contains("554 5.4.6");
        waitText("activity", "refused");
        assertThat(text("activity")).contains("received").contains("deferred").contains("<carol@shop.test>")
                .contains("<looping@client.test>");

        // The records to publish for the new domain, with its DKIM keys.
        click("nav-dns");
        waitVisible("page-dns");
        new Select(browser.findElement(By.id("dns-domain"))).selectByVisibleText("shop.test");
        click("dns-show");
        waitText("dns-records", "_dmarc.shop.test.");
        assertThat(text("dns-records")).contains("._domainkey.shop.test.").contains("v=spf1 mx ~all");
        assertThat(text("dns-zone")).startsWith("; DNS records for shop.test");

        // The live log tail has the message lines; never the token. What it shows is text, never markup.
        String markup = "<img src=x id=injected onerror=\"document.title='owned'\">";
        LoggerFactory.getLogger("org.mailroom.test.Injection").warn("hostile {}", markup);
        click("nav-log");
        waitVisible("page-log");
        waitText("log", "from=<carol@shop.test>");
        waitText("log", "hostile " + markup);
        assertThat(text("log")).doesNotContain(token);
        assertThat(browser.findElements(By.id("injected"))).isEmpty();
        assertThat(browser.getTitle()).isEqualTo("Mailroom console");

        // Logging out forgets the token; the pages need it again.
        click("logout");
        waitVisible("page-login");
        assertThat(sessionToken()).isNull();
        browser.get(base + "/console/#queue");
        waitVisible("page-login");
    }

    @Test
    void passwordsStorageLimitsAndAliases() throws Exception {
        Directory directory = server.server.storage().directory();
        directory.addAccount("dave@example.test", "old pass".toCharArray());
        logIn();
        click("nav-users");
        waitVisible("page-users");
        waitText("users", "dave@example.test");

        type("passwd-address", "dave@example.test");
        type("passwd-password", "new pass");
        click("passwd-submit");
        waitText("notice", "Changed the password of dave@example.test");
        assertThat(directory.authenticate("dave@example.test", "new pass".toCharArray())).isPresent();

        type("quota-address", "dave@example.test");
        type("quota-size", "2M");
        click("quota-submit");
        waitText("users", "2.0 MiB");
        assertThat(directory.quota("dave@example.test")).hasValue(2L << 20);
        type("quota-address", "dave@example.test");
        type("quota-size", "lots");
        click("quota-submit");
        waitText("notice", "quota");
        assertThat(browser.findElement(By.id("notice")).getAttribute("class")).isEqualTo("error");

        // Disable, then enable: the row shows the state and the button turns over.
        rowButton("dave@example.test", "Disable").click();
        waitText("notice", "Disabled (mail is still delivered) dave@example.test");
        assertThat(directory.isDisabled("dave@example.test")).isTrue();
        waiting.until(d -> !d.findElements(rowButtonPath("dave@example.test", "Enable")).isEmpty());
        rowButton("dave@example.test", "Enable").click();
        waitText("notice", "Enabled dave@example.test");
        assertThat(directory.isDisabled("dave@example.test")).isFalse();

        click("nav-aliases");
        waitVisible("page-aliases");
        type("alias-source", "help@example.test");
        type("alias-target", "dave@example.test");
        click("alias-add-submit");
        waitText("aliases", "help@example.test");
        assertThat(aliasesOf("help@example.test")).containsExactly("dave@example.test");
        WebElement row = browser.findElements(By.cssSelector("#aliases tbody tr")).stream()
                .filter(r -> r.getText().contains("help@example.test")).findFirst().orElseThrow();
        WebElement remove = row.findElement(By.tagName("button"));
        remove.click();
        remove.click();
        waitText("notice", "Removed help@example.test");
        assertThat(aliasesOf("help@example.test")).isEmpty();
    }

    private List<String> aliasesOf(String source) throws Exception {
        return server.server.storage().directory().aliases().stream().filter(a -> a.source().equals(source))
                .map(Directory.AliasEntry::target).toList();
    }

    /** Logs in unless this tab already holds a token. */
    private void logIn() {
        browser.get("http://127.0.0.1:" + server.admin().getPort() + "/console/#dashboard");
        if (sessionToken() != null) return;
        type("login-token", token);
        click("login-submit");
        waitVisible("page-dashboard");
    }

    // ---- mail ----

    private void submit(String user, String password, String to) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.submission().getPort()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "*");
        props.put("mail.smtp.timeout", "10000");
        MimeMessage m = new MimeMessage(Session.getInstance(props));
        m.setFrom(new InternetAddress(user));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject("stuck <b>in</b> the queue");
        m.setText("Hello\r\n");
        Transport.send(m, user, password);
    }

    /**
     * On port 25: a recipient that does not exist (550 5.1.1 at RCPT), one message for alice, and one refused at
     * its end for its 51 Received fields (554 5.4.6, a mail loop).
     */
    private void smtpOnPort25() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.smtp().getPort())) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            Writer out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII);
            reply(in, "220");
            send(out, in, "EHLO client.test", "250");
            send(out, in, "MAIL FROM:<sender@client.test>", "250");
            send(out, in, "RCPT TO:<nobody@shop.test>", "550");
            send(out, in, "RCPT TO:<alice@example.test>", "250");
            send(out, in, "DATA", "354");
            send(out, in, "From: sender@client.test\r\nSubject: hi\r\n\r\nHello Alice\r\n.", "250");
            send(out, in, "MAIL FROM:<looping@client.test>", "250");
            send(out, in, "RCPT TO:<alice@example.test>", "250");
            send(out, in, "DATA", "354");
            send(out, in, "Received: from a by b; Fri, 4 Dec 2026 12:00:00 +0000\r\n".repeat(51)
                    + "Subject: loop\r\n\r\nround and round\r\n.", "554");
            send(out, in, "QUIT", "221");
        }
    }

    private static void send(Writer out, BufferedReader in, String line, String expected) throws Exception {
        out.write(line + "\r\n");
        out.flush();
        reply(in, expected);
    }

    private static void reply(BufferedReader in, String expected) throws Exception {
        String line;
        do {
            line = in.readLine();
            assertThat(line).as("reply").isNotNull().startsWith(expected);
        } while (line.charAt(3) == '-');
    }

    private MailQueue.Entry onlyQueued() throws Exception {
        List<MailQueue.Entry> entries = server.server.storage().mailQueue().list();
        return entries.size() == 1 ? entries.get(0) : null;
    }

    // ---- the page ----

    private String sessionToken() {
        return (String) ((ChromeDriver) browser).executeScript("return sessionStorage.getItem('mailroom.admin-token');");
    }

    private void type(String id, String text) {
        WebElement field = waiting.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        field.clear();
        field.sendKeys(text);
    }

    /** A button of the row of {@code address} in the users table. */
    private static By rowButtonPath(String address, String label) {
        return By.xpath("//table[@id='users']//tr[td[1]='" + address + "']//button[text()='" + label + "']");
    }

    private org.openqa.selenium.WebElement rowButton(String address, String label) {
        return waiting.until(d -> d.findElements(rowButtonPath(address, label)).stream().findFirst().orElse(null));
    }

    private void click(String id) {
        waiting.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private void waitVisible(String id) {
        waiting.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private void waitText(String id, String part) {
        waiting.withMessage(() -> "#" + id + " shows '" + part + "'; it shows: " + text(id))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), part));
    }

    private void waitExactText(String id, String whole) {
        waiting.withMessage(() -> "#" + id + " is '" + whole + "'; it is: " + text(id))
                .until(d -> whole.equals(d.findElement(By.id(id)).getText().trim()));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        List<String> full = new ArrayList<>(List.of(args));
        full.add("--data");
        full.add(dir.resolve("data").toString());
        int exit = cl.execute(full.toArray(new String[0]));
        assertThat(exit).as("%s: %s", List.of(args), err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
