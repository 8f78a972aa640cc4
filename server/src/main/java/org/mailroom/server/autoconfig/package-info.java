/**
 * Client autoconfiguration ({@code listen.autoconfig}): what a mail client is told when it asks how to reach its
 * mailbox, in the three forms clients ask for.
 *
 * <pre>
 *   MailEndpoints        host name and the ports actually bound, per protocol and TLS mode: the one source
 *   ThunderbirdConfig    clientConfig version 1.1 (Thunderbird, also K-9/Thunderbird for Android, Evolution)
 *   Autodiscover         Outlook's POX Autodiscover: request read with a parser that refuses DTDs, response 2006a
 *   AppleProfile         a .mobileconfig (com.apple.mail.managed payload) per address, unsigned
 *   XmlText              escaping for the documents we write by hand
 * </pre>
 *
 * <p>Design: the documents are small and fixed in shape, so they are written as text (escaped) rather than built
 * with a DOM; only the one document we read from the network (the Autodiscover request) goes through a parser,
 * configured against XXE. Only local domains are answered: the HTTP routes in {@code server/http} check that
 * before calling in here.
 */
package org.mailroom.server.autoconfig;
