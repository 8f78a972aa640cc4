package org.mailroom.protocol.smtp.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.mailroom.protocol.NativeTransport;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.mailroom.protocol.NativeTransport;

/**
 * Opens SMTP client connections to other mail servers on the shared event loops.
 *
 * <p>TLS policy (RFC 3207, RFC 7435 "opportunistic security"): by default STARTTLS is used whenever the
 * server offers it, without checking its certificate, because most MX certificates would not verify and
 * encryption that a passive listener cannot read is still better than plain text. {@link TlsPolicy#VERIFY}
 * requires TLS and a certificate valid for the MX host name (for a smart host or a policy that says so).
 */
public final class SmtpClient {

    public enum TlsPolicy {
        /** Never STARTTLS (tests, or a relay on loopback). */
        NONE,
        /** STARTTLS when offered; any certificate; plain text when it is not offered or the handshake fails. */
        OPPORTUNISTIC,
        /** STARTTLS required, any certificate: no plain text on the wire, though no defence against a MITM. */
        REQUIRED,
        /** STARTTLS required and the certificate must verify for the host name. */
        VERIFY
    }

    /**
     * @param heloName       our name in EHLO/HELO (server.hostname)
     * @param connectTimeout TCP connect, per address
     * @param replyTimeout   wait for any reply but the one after the message (RFC 5321 section 4.5.3.2
     *                       suggests 5 minutes for most commands)
     * @param dataTimeout    wait for the reply after the final dot (section 4.5.3.2.6: 10 minutes)
     */
    public record Settings(String heloName, Duration connectTimeout, Duration replyTimeout, Duration dataTimeout,
                           TlsPolicy tls) {
        public static Settings defaults(String heloName) {
            return new Settings(heloName, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(10),
                    TlsPolicy.OPPORTUNISTIC);
        }

        public Settings withTls(TlsPolicy policy) {
            return new Settings(heloName, connectTimeout, replyTimeout, dataTimeout, policy);
        }
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final SslContext trustAll;
    private final SslContext verifying;

    public SmtpClient(Settings settings, EventLoopGroup group) {
        this.settings = settings;
        this.group = group;
        try {
            List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
            this.trustAll = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(protocols)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            this.verifying = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(protocols).build();
        } catch (SSLException e) {
            throw new IllegalStateException("the JDK offers no TLS client", e);
        }
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Connects and reads the greeting. Blocks: call from a delivery thread, never from an event loop.
     *
     * @param hostName the MX host's name, for SNI, certificate checks and the history
     * @throws SmtpClientException when no connection or no greeting came
     */
    public SmtpConnection connect(InetSocketAddress address, String hostName) throws SmtpClientException {
        SmtpConnection.Handler handler = new SmtpConnection.Handler();
        ReplyDecoder decoder = new ReplyDecoder();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NativeTransport.socketChannel(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("replies", decoder).addLast("session", handler);
                    }
                });
        ChannelFuture connected = bootstrap.connect(address);
        connected.awaitUninterruptibly();
        if (!connected.isSuccess()) {
            Throwable cause = connected.cause();
            throw new SmtpClientException(SmtpClientException.Kind.CONNECT, "cannot connect to " + hostName + "["
                    + address.getAddress().getHostAddress() + "]:" + address.getPort() + ": " + cause.getMessage(), cause);
        }
        Channel channel = connected.channel();
        return new SmtpConnection(this, channel, decoder, handler, address, hostName);
    }

    /**
     * A TLS client handler for {@code hostName}: SNI always; the certificate judged by {@code check} when a
     * policy (MTA-STS, DANE) names one, else by the client's own policy (hostname verification under VERIFY).
     */
    SslHandler newTlsHandler(Channel channel, String hostName, int port, CertificateCheck check) {
        if (check != null) {
            try {
                // One context per connection: the check records this connection's verdict. Building a JDK
                // context costs well under a millisecond, small beside a TLS handshake.
                SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                        .protocols(List.of("TLSv1.3", "TLSv1.2")).trustManager(check).build();
                return context.newHandler(channel.alloc(), hostName, port);
            } catch (SSLException e) {
                throw new IllegalStateException("the JDK offers no TLS client", e);
            }
        }
        return newTlsHandler(channel, hostName, port);
    }

    /** A TLS client handler for {@code hostName}: SNI always, hostname verification under VERIFY. */
    SslHandler newTlsHandler(Channel channel, String hostName, int port) {
        boolean verify = settings.tls() == TlsPolicy.VERIFY;
        SslHandler handler = (verify ? verifying : trustAll).newHandler(channel.alloc(), hostName, port);
        if (verify) {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 6125 name checks
            engine.setSSLParameters(parameters);
        }
        return handler;
    }
}
