package org.mailroom.core.mime;

import java.util.List;

/**
 * Writes BODYSTRUCTURE (with extension data) and BODY (without) from a part tree, following the grammar
 * of RFC 9051 section 9 ({@code body}, {@code body-type-1part}, {@code body-type-mpart},
 * {@code body-ext-1part}, {@code body-ext-mpart}). Extension data is always written in full (md5,
 * disposition, language, location), as clients parse it positionally.
 */
final class BodyStructureWriter {

    private BodyStructureWriter() {}

    static String render(MimePart part, boolean extended) {
        StringBuilder out = new StringBuilder(256);
        body(out, part, extended);
        return out.toString();
    }

    private static void body(StringBuilder out, MimePart p, boolean ext) {
        out.append('(');
        if (p.isMultipart()) {
            if (p.children().isEmpty()) {
                // "(" 1*body SP media-subtype: a multipart whose boundary never came still needs one body
                out.append("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0");
                if (ext) out.append(" NIL NIL NIL NIL");
                out.append(')');
            }
            for (MimePart child : p.children()) body(out, child, ext);
            out.append(' ');
            ImapText.string(out, p.subtype());
            if (ext) {
                out.append(' ');
                parameters(out, p.parameters());
                out.append(' ');
                extension(out, p);
            }
        } else {
            ImapText.string(out, p.type());
            out.append(' ');
            ImapText.string(out, p.subtype());
            out.append(' ');
            parameters(out, p.parameters());
            out.append(' ');
            ImapText.nstring(out, p.contentId());
            out.append(' ');
            ImapText.nstring(out, p.description());
            out.append(' ');
            ImapText.string(out, p.encoding());
            out.append(' ').append(p.bodyLength());
            if (p.kind() == MimePart.Kind.MESSAGE) {
                out.append(' ').append(p.message().envelope()).append(' ');
                body(out, p.message(), ext);
                out.append(' ').append(p.lines());
            } else if (p.kind() == MimePart.Kind.TEXT) {
                out.append(' ').append(p.lines());
            }
            if (ext) {
                out.append(' ');
                ImapText.nstring(out, p.md5());
                out.append(' ');
                extension(out, p);
            }
        }
        out.append(')');
    }

    /** body-fld-dsp SP body-fld-lang SP body-fld-loc, shared by both kinds of body. */
    private static void extension(StringBuilder out, MimePart p) {
        if (p.disposition() == null) {
            out.append("NIL");
        } else {
            out.append('(');
            ImapText.string(out, p.disposition());
            out.append(' ');
            parameters(out, p.dispositionParameters());
            out.append(')');
        }
        out.append(' ');
        List<String> langs = p.languages();
        if (langs.isEmpty()) {
            out.append("NIL");
        } else if (langs.size() == 1) {
            ImapText.string(out, langs.get(0));
        } else {
            out.append('(');
            for (int k = 0; k < langs.size(); k++) {
                if (k > 0) out.append(' ');
                ImapText.string(out, langs.get(k));
            }
            out.append(')');
        }
        out.append(' ');
        ImapText.nstring(out, p.location());
    }

    private static void parameters(StringBuilder out, List<MimePart.Parameter> params) {
        if (params.isEmpty()) {
            out.append("NIL");
            return;
        }
        out.append('(');
        for (int k = 0; k < params.size(); k++) {
            if (k > 0) out.append(' ');
            ImapText.string(out, params.get(k).name());
            out.append(' ');
            ImapText.string(out, params.get(k).value());
        }
        out.append(')');
    }
}
