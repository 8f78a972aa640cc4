package org.mailroom.core.delivery;

import java.util.List;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;

/**
 * Takes responsibility for one message for some of its recipients: stores it locally, queues it for
 * another host. When {@code deliver} returns, every result that says {@link RecipientResult.Status#ACCEPTED}
 * is durable: the SMTP server may say 250 on its strength. Problems are reported per recipient, not thrown.
 */
public interface DeliveryAgent {

    List<RecipientResult> deliver(Envelope envelope, String blobId, long size, List<MailAddress> recipients);
}
