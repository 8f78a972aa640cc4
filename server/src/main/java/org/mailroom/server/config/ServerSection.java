package org.mailroom.server.config;

import java.nio.file.Path;

/**
 * {@code [server]}: who this server is and where it keeps its data.
 *
 * @param hostname the name in the SMTP greeting, the EHLO reply and Received headers; never empty once
 *                 loaded (an empty value in the file means the machine's name)
 * @param dataDir  the data directory (relative paths are relative to the working directory)
 * @param nativeTransport Linux epoll for every socket where its native library loads (else Java NIO): fewer
 *                 system calls and cheaper wake-ups per command; false forces NIO
 * @param shutdownGrace on SIGTERM, how long SMTP transactions in flight may take to finish before the rest
 *                 is closed (new sessions are refused at once)
 */
public record ServerSection(String hostname, Path dataDir, boolean nativeTransport, java.time.Duration shutdownGrace) {}
