package org.mailroom.core.mime;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hand-written sample messages; text blocks are written with LF and stored with CRLF, as SMTP delivers them. */
final class Messages {

    private Messages() {}

    static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static final byte[] SIMPLE = crlf("""
Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
From: Fred Foobar <foobar@Blurdybloop.example>
Subject: afternoon meeting
To: mooch@owatagu.siam.edu.example, "Doe, Jane" <jane@example.org>
Cc: <boss@example.com>
Message-Id: <B27397-0100000@Blurdybloop.example>
MIME-Version: 1.0
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII

Hello Joe, do you think we can meet at 3:30 tomorrow?

Fred
""");
    static final byte[] ALTERNATIVE = crlf("""
From: Ann <ann@example.com>
To: bob@example.com
Subject: alternatives
Date: Tue, 01 Dec 2026 10:00:00 +0100
Message-ID: <alt@example.com>
Reply-To: list@example.com
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-1"

This is a preamble.

--alt-1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Caf=C3=A9 at noon?
--alt-1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>Caf=C3=A9 at <b>noon</b>?</p>

--alt-1--
epilogue
""");
    static final byte[] MIXED = crlf("""
From: carol@example.net
To: dave@example.net
Subject: report
Date: 2 Dec 2026 08:15 GMT
MIME-Version: 1.0
Content-Type: multipart/mixed;
 boundary="----=_Part_0"

------=_Part_0
Content-Type: text/plain; charset=us-ascii

See the attachment.

------=_Part_0
Content-Type: application/pdf; name="report.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="report.pdf"; size=12
Content-ID: <part1@example.net>
Content-Description: The report
Content-Language: en, de
Content-Location: http://example.net/report.pdf
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

JVBERi0xLjQKJcfs
j6IKMSAwIG9iago=
------=_Part_0--
""");
    static final byte[] NESTED = crlf("""
From: eve@example.org
To: frank@example.org
Subject: nested
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain

plain
--inner
Content-Type: multipart/related; boundary="rel"; type="text/html"

--rel
Content-Type: text/html; charset=iso-8859-1

<img src="cid:img1">
--rel
Content-Type: image/png
Content-ID: <img1>
Content-Transfer-Encoding: base64
Content-Disposition: inline

iVBORw0KGgo=
--rel--
--inner--
--outer
Content-Type: application/octet-stream
Content-Disposition: attachment; filename=data.bin

xyz
--outer--
""");
    static final byte[] FORWARDED = crlf("""
From: gina@example.com
To: hal@example.com
Subject: Fwd: lunch
Message-ID: <fwd@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fwd"

--fwd
Content-Type: text/plain

See below.
--fwd
Content-Type: message/rfc822
Content-Disposition: inline

From: Ivy <ivy@example.com>
To: gina@example.com
Subject: lunch
Date: Wed, 25 Nov 2026 12:00:00 +0000
Message-ID: <lunch@example.com>
In-Reply-To: <earlier@example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="in"

--in
Content-Type: text/plain; charset=us-ascii

Lunch at one?
--in
Content-Type: text/html; charset=us-ascii

<p>Lunch at one?</p>
--in--

--fwd--
""");
    static final byte[] NOHEADERS = crlf("""

Just a body,
no header at all.
""");
    static final byte[] SPARSE = crlf("""
X-Mailer: nothing
Subject:

body
""");
    static final byte[] GROUPS = crlf("""
From: "Joe Q. Public" <john.q.public@example.com>
Sender: Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>
To: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>
Cc: <boss@nil.test>, "Giant; \\"Big\\" Box" <sysservices@example.net>
Bcc: undisclosed-recipients:;
Reply-To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;
Subject: groups
Resent-To: x@y.test
Message-ID: <5678.21-Nov-1997@example.com>

Hi everyone.
""");
    static final byte[] ODD = crlf("""
From: <@route1.test,@route2.test:user@host.test>
To: nodomain, "quoted local"@example.com, bob@example.com (Bob Smith)
Cc: empty:;, Mary Smith <mary@x.test>
Subject: odd addresses

x
""");
    static final byte[] ENCODED = crlf("""
From: =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>
To: =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>
Cc: Jörg Müller <joerg@example.de>
Subject: =?utf-8?q?Caf=C3=A9?= =?utf-8?q?_au_lait?= and "quotes" \\ backslash
Date: Thu, 3 Dec 2026 09:30:00 -0500
Message-ID: <enc@example.com>

body
""");
    static final byte[] BROKEN = crlf("""
From: broken@example.com
Subject: broken
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text

inner text, the inner close delimiter never comes
--b1
Content-Type: multipart/mixed

no boundary parameter
--b1
Content-Type: text/plain; charset="utf-8"; format=flowed; delsp=yes

last part, the outer close delimiter never comes
""");
    static final byte[] NOBOUNDARY = crlf("""
From: x@example.com
Subject: multipart without parts
Content-Type: multipart/mixed; boundary="never"

nothing here
""");
    static final byte[] DIGEST = crlf("""
From: digest@example.com
Subject: digest
Content-Type: multipart/digest; boundary="d"

--d

From: one@example.com
Subject: first

one
--d
Content-Type: text/plain

not a message
--d--
""");
    static final byte[] RFC2231 = crlf("""
From: p@example.com
Subject: params
Content-Type: application/x-stuff;
 title*0*=us-ascii'en'This%20is%20even%20more%20;
 title*1*=%2A%2A%2Afun%2A%2A%2A%20;
 title*2="isn't it!"
Content-Disposition: attachment; filename*0="long"; filename*1="name.txt"

data
""");
    static final byte[] RFC822TOP = crlf("""
From: top@example.com
Subject: message at top
Content-Type: message/rfc822

From: inner@example.com
Subject: inner

inner body
""");
    static final byte[] B64RFC822 = crlf("""
From: q@example.com
Subject: encoded message part
Content-Type: multipart/mixed; boundary=z

--z
Content-Type: message/rfc822
Content-Transfer-Encoding: base64

RnJvbTogYUBiLmMKCmhp
--z--
""");
    /** A legacy header in ISO-8859-1 bytes, not UTF-8. */
    static final byte[] LATIN1 = "From: Andr\u00e9 <andre@example.fr>\r\nSubject: caf\u00e9\r\n\r\nbody\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);

    static Map<String, byte[]> all() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("simple", SIMPLE);
        m.put("alternative", ALTERNATIVE);
        m.put("mixed", MIXED);
        m.put("nested", NESTED);
        m.put("forwarded", FORWARDED);
        m.put("noheaders", NOHEADERS);
        m.put("sparse", SPARSE);
        m.put("groups", GROUPS);
        m.put("odd", ODD);
        m.put("encoded", ENCODED);
        m.put("broken", BROKEN);
        m.put("noboundary", NOBOUNDARY);
        m.put("digest", DIGEST);
        m.put("rfc2231", RFC2231);
        m.put("rfc822top", RFC822TOP);
        m.put("b64rfc822", B64RFC822);
        m.put("latin1", LATIN1);
        return m;
    }
}
