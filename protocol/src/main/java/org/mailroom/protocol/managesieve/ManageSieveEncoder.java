package org.mailroom.protocol.managesieve;

import org.mailroom.protocol.CrlfReplyEncoder;

/** Turns a reply (lines joined by CRLF, literals included) into UTF-8 bytes and adds the final CRLF. */
final class ManageSieveEncoder extends CrlfReplyEncoder {
}
