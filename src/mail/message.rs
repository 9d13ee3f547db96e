//! One report's email as a lettre `Message`: From / Reply-To / To, a personalised subject,
//! plain-text and HTML bodies from the templates in `layouts/email/`, the PDF attached under a
//! friendly file name with every letter of the reader's name (RFC 2231) and an ASCII fallback
//! (the Content-Type's `name`), a Message-ID that is stable per report version
//! (`<audit_id.sha256-prefix@from-domain>`, with `.rN` after the N-th operator resend so that
//! the resend is a new message), the Date of the hand-over to the server, and `List-Unsubscribe` (URL + mailto) with
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058). With a brand logo the HTML
//! part and the logo (inline, by Content-ID) form a multipart/related; the plain text is as it is.
//!
//! Header safety: names and subjects are cleaned of control characters and then go through
//! lettre's header encoding (RFC 2047), and the only raw headers are built from percent-encoded
//! values, so no input can add a header line.

use super::settings::Settings;
use crate::score::Band;
use anyhow::{bail, Context};
use lettre::message::header::{ContentDisposition, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use sha2::{Digest, Sha256};
use std::path::Path;
use time::OffsetDateTime;
use unicode_segmentation::UnicodeSegmentation;

const BUILTIN: [(&str, &str); 3] = [
    ("subject.j2", include_str!("../../layouts/email/subject.j2")),
    (
        "body.txt.j2",
        include_str!("../../layouts/email/body.txt.j2"),
    ),
    (
        "body.html.j2",
        include_str!("../../layouts/email/body.html.j2"),
    ),
];

/// What one email is about.
#[derive(Debug, Clone)]
pub struct Letter<'a> {
    pub audit_id: &'a str,
    pub email: &'a str,
    pub full_name: Option<&'a str>,
    /// The name the reader asked to be addressed by (the salutation's when present).
    pub preferred_name: Option<&'a str>,
    pub score: Option<i32>,
    pub pdf: &'a [u8],
    pub pdf_sha256: &'a str,
    /// Operator resends so far (0: the first message of this report version).
    pub resends: u32,
    /// The hand-over time: the Date header.
    pub date: OffsetDateTime,
}

/// A built message and the id it carries (recorded in the ledger when sent).
pub struct Built {
    pub message: Message,
    pub message_id: String,
    /// MAIL FROM (the envelope sender setting, else From) and RCPT TO.
    pub envelope: lettre::address::Envelope,
}

/// Builds messages from the settings and templates; shared by all sender threads.
pub struct Composer {
    env: minijinja::Environment<'static>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    unsubscribe_url: Option<String>,
    unsubscribe_mailto: Address,
    to_override: Option<Address>,
    envelope_from: Option<Address>,
    postal_address: Option<String>,
    unsubscribe_secret: Option<super::settings::Secret>,
    dkim: Option<lettre::message::dkim::DkimConfig>,
    brand: crate::report::Brand,
}

impl Composer {
    pub fn new(s: &Settings) -> anyhow::Result<Composer> {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html.j2") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        for (name, builtin) in BUILTIN {
            let text = match &s.templates {
                Some(dir) => read_template(dir, name)?,
                None => builtin.to_string(),
            };
            env.add_template_owned(name, text)
                .map_err(|e| anyhow::anyhow!("email template {name}: {e}"))?;
        }
        let dkim = s.dkim.as_ref().map(super::dkim::load).transpose()?;
        Ok(Composer {
            env,
            from: s.from.clone(),
            reply_to: s.reply_to.clone(),
            unsubscribe_url: s.unsubscribe_url.clone(),
            unsubscribe_mailto: s.unsubscribe_mailto.clone(),
            to_override: s.to_override.clone(),
            envelope_from: s.envelope_from.clone(),
            postal_address: s.postal_address.clone(),
            unsubscribe_secret: s.unsubscribe_secret.clone(),
            dkim,
            brand: s.brand.clone(),
        })
    }

    pub fn compose(&self, l: &Letter<'_>) -> anyhow::Result<Built> {
        let to_addr: Address = l
            .email
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("the address {:?} is not valid ({e})", l.email))?;
        let name = l.full_name.map(clean).filter(|n| !n.is_empty());
        // The name the reader asked for, else the whole name as they wrote it: which word is
        // the given name depends on the person, and a guess greets "Sun Haoran" as "Sun".
        let first = l
            .preferred_name
            .map(clean)
            .filter(|n| !n.is_empty())
            .or_else(|| name.clone());
        let score = l.score.context("the ledger has no score for this report")?;
        let band = Band::of(score);
        let attachment = attachment_name(name.as_deref(), l.audit_id);
        let attachment_ascii = attachment_ascii_name(name.as_deref(), l.audit_id);
        let token = self
            .unsubscribe_secret
            .as_ref()
            .map(|k| unsubscribe_token(k.expose(), l.audit_id, to_addr.as_ref()));
        let unsubscribe_url = self.unsubscribe_url.as_deref().map(|t| {
            t.replace("{audit_id}", &percent_encode(l.audit_id))
                .replace("{email}", &percent_encode(to_addr.as_ref()))
                .replace("{token}", token.as_deref().unwrap_or(""))
        });
        let domain = self.from.email.domain();
        // The logo's Content-ID names its bytes: the same logo is the same part in every email.
        let logo = self.brand.logo_image.as_ref().map(|logo| {
            let hash = format!("{:x}", Sha256::digest(&logo.png));
            (logo, format!("logo.{}@{domain}", &hash[..16]))
        });
        // The size the logo is shown at, in CSS pixels: 40 high, at most 240 wide. Given as
        // HTML attributes too, which Outlook reads instead of the CSS.
        let logo_size = logo.as_ref().map_or((0, 0), |(l, _)| {
            let aspect = l.image.aspect();
            let w = (40.0 * aspect).min(240.0);
            (w.round() as u32, (w / aspect).round().max(1.0) as u32)
        });
        let ctx = minijinja::context! {
            first_name => first.clone().unwrap_or_default(),
            full_name => name.clone().unwrap_or_default(),
            score => score,
            band => band.label(),
            band_key => band.key(),
            audit_id => l.audit_id,
            attachment => attachment.clone(),
            unsubscribe_url => unsubscribe_url.clone(),
            postal_address => self.postal_address.clone(),
            sender => self.from.name.clone().unwrap_or_else(|| self.brand.name.clone()),
            brand => self.brand.name.clone(),
            logo => logo.as_ref().map(|(_, cid)| cid.clone()),
            logo_width => logo_size.0,
            logo_height => logo_size.1,
            brand_color => format!("#{:02x}{:02x}{:02x}", self.brand.primary.r, self.brand.primary.g, self.brand.primary.b),
        };
        let render = |name: &str| -> anyhow::Result<String> {
            self.env
                .get_template(name)
                .and_then(|t| t.render(&ctx))
                .map_err(|e| anyhow::anyhow!("email template {name}: {e:#}"))
        };
        let subject = clean(&render("subject.j2")?);
        if subject.is_empty() {
            bail!("the subject template rendered an empty subject");
        }
        let text = render("body.txt.j2")?;
        let html = render("body.html.j2")?;

        let version = &l.pdf_sha256[..l.pdf_sha256.len().min(16)];
        let resend = match l.resends {
            0 => String::new(),
            n => format!(".r{n}"),
        };
        let message_id = format!("<{}.{}{resend}@{}>", l.audit_id, version, domain);
        // Boundaries from the report version: the same report gives the same bytes. "=_" never
        // occurs in base64 or quoted-printable output, so a boundary cannot clash with content.
        let tag = format!("{:x}", Sha256::digest(message_id.as_bytes()))[..24].to_string();

        let rcpt = self.to_override.clone().unwrap_or(to_addr.clone());
        let envelope = lettre::address::Envelope::new(
            Some(
                self.envelope_from
                    .clone()
                    .unwrap_or_else(|| self.from.email.clone()),
            ),
            vec![rcpt.clone()],
        )
        .context("cannot build the envelope")?;
        let to = Mailbox::new(name.clone(), rcpt);
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .date(l.date.into())
            .message_id(Some(message_id.clone()));
        if let Some(r) = &self.reply_to {
            b = b.reply_to(r.clone());
        }
        if self.to_override.is_some() {
            b = b.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Riskreport-Original-To"),
                to_addr.to_string(),
            ));
        }
        let mailto = format!(
            "mailto:{}?subject={}",
            self.unsubscribe_mailto,
            percent_encode(&format!("unsubscribe {}", l.audit_id))
        );
        let list_unsubscribe = match &unsubscribe_url {
            Some(u) => format!("<{u}>, <{mailto}>"),
            None => format!("<{mailto}>"),
        };
        b = b.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            list_unsubscribe,
        ));
        if unsubscribe_url.is_some() {
            // One-click (RFC 8058) needs an https URL to POST to.
            b = b.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
        }
        // The UTF-8 name goes in Content-Disposition as RFC 2231 `filename*` (lettre encodes and
        // folds it into `filename*0*=utf-8''…` continuations), the ASCII one in the Content-Type's
        // `name`, which mail programs without RFC 2231 show instead. Not as a second `filename=`
        // beside `filename*`: readers differ on which of the two wins (Python's email package
        // takes the plain one), and the reader would see the transliteration.
        let pdf = SinglePart::builder()
            .header(ContentDisposition::attachment(&attachment))
            .header(
                ContentType::parse(&format!("application/pdf; name=\"{attachment_ascii}\""))
                    .expect("an ASCII file name of letters, digits, '-' and '.'"),
            )
            .body(l.pdf.to_vec());
        let alternative = MultiPart::alternative()
            .boundary(format!("=_rr_a_{tag}"))
            .singlepart(SinglePart::plain(text));
        // The logo travels with the HTML part it belongs to (multipart/related), shown from the
        // message itself: a remote image is blocked by most mail programs. Only when the HTML
        // shows it: a template of one's own may leave it out.
        let alternative = match logo {
            Some((logo, cid)) if html.contains(&format!("cid:{cid}")) => {
                let png = Attachment::new_inline(cid).body(
                    logo.png.to_vec(),
                    ContentType::parse("image/png").expect("a valid MIME type"),
                );
                alternative.multipart(
                    MultiPart::related()
                        .boundary(format!("=_rr_r_{tag}"))
                        .singlepart(SinglePart::html(html))
                        .singlepart(png),
                )
            }
            _ => alternative.singlepart(SinglePart::html(html)),
        };
        let body = MultiPart::mixed()
            .boundary(format!("=_rr_m_{tag}"))
            .multipart(alternative)
            .singlepart(pdf);
        let mut message = b.multipart(body).context("cannot build the message")?;
        if let Some(d) = &self.dkim {
            message.sign(d);
        }
        Ok(Built {
            message,
            message_id,
            envelope,
        })
    }
}

/// The `{token}` of the unsubscribe URL: `<audit_id>.<32 hex digits>`, the digits the first
/// half of HMAC-SHA256(secret, "riskreport-unsubscribe-v1\n" + audit_id + "\n" + lowercase
/// address). The unsubscribe page recomputes it with the same secret; without the secret nobody
/// can make a valid token for another person, and the token does not show the address.
pub fn unsubscribe_token(secret: &str, audit_id: &str, address: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(b"riskreport-unsubscribe-v1\n");
    mac.update(audit_id.as_bytes());
    mac.update(b"\n");
    mac.update(address.to_lowercase().as_bytes());
    let tag = mac.finalize().into_bytes();
    format!("{audit_id}.{}", &format!("{tag:x}")[..32])
}

fn read_template(dir: &Path, name: &str) -> anyhow::Result<String> {
    let p = dir.join(name);
    std::fs::read_to_string(&p)
        .with_context(|| format!("cannot read the email template {}", p.display()))
}

/// Control characters (CR, LF, tabs, …) become spaces; runs of white space become one space.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `AI-Career-Risk-Report-First-Last.pdf` with every letter of the name as written (NFC; marks
/// and the joiners ZWNJ and ZWJ kept, so "نیک‌نام" and "अर्जुन" stay whole), words joined by
/// '-' and punctuation dropped — so nothing a file system refuses (`/ \ : * ? " < > |`, control
/// characters) gets through; the audit id when no letter is left.
pub fn attachment_name(full_name: Option<&str>, audit_id: &str) -> String {
    // At most 60 characters and 180 bytes (whole grapheme clusters): the whole name stays under
    // the 255-byte file-name limit of common file systems in any script.
    let mut who = String::new();
    for g in name_words(full_name).join("-").graphemes(true) {
        if who.chars().count() + g.chars().count() > 60 || who.len() + g.len() > 180 {
            break;
        }
        who.push_str(g);
    }
    let who = who.trim_end_matches('-');
    let who = if who.is_empty() { audit_id } else { who };
    format!("AI-Career-Risk-Report-{who}.pdf")
}

/// [`attachment_name`] in ASCII letters (`deunicode`: "Nguyễn" → "Nguyen", "王小明" →
/// "WangXiaoMing"), for mail programs that do not read RFC 2231 file names.
pub fn attachment_ascii_name(full_name: Option<&str>, audit_id: &str) -> String {
    let words: Vec<String> = name_words(full_name)
        .iter()
        .map(|w| {
            deunicode::deunicode(w)
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut who = words.join("-");
    if who.is_empty() {
        who = audit_id.to_string();
    }
    who.truncate(60);
    format!("AI-Career-Risk-Report-{}.pdf", who.trim_end_matches('-'))
}

/// The words of a name for a file name: split at spaces, hyphens and the katakana middle dot
/// (between the parts of a foreign name in Japanese); letters, digits, marks and joiners only
/// (deunicode would spell out emoji and symbols: "slightsmile").
fn name_words(full_name: Option<&str>) -> Vec<String> {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    use unicode_normalization::UnicodeNormalization;
    let keep = |c: char| {
        c.is_alphanumeric()
            || c == '\u{200C}'
            || c == '\u{200D}'
            || matches!(
                get_general_category(c),
                G::NonspacingMark | G::SpacingMark | G::EnclosingMark
            )
    };
    full_name
        .unwrap_or("")
        .nfc()
        .collect::<String>()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '\u{30FB}')
        .map(|w| w.chars().filter(|&c| keep(c)).collect::<String>())
        // A word of marks or joiners alone has no letter to carry them.
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// RFC 3986 percent-encoding of everything but the unreserved characters, for URL and mailto
/// parts.
pub fn percent_encode(s: &str) -> String {
    const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::settings::{Layer, Settings};
    use time::macros::datetime;

    fn settings() -> Settings {
        let mut l = Layer::default();
        l.delivery.outbox = Some("ob".into());
        l.message.from = Some("AI Career Risk <reports@risk.example>".into());
        l.message.reply_to = Some("help@risk.example".into());
        l.message.unsubscribe_url = Some("https://risk.example/u?id={audit_id}&e={email}".into());
        Settings::resolve(l).unwrap()
    }

    fn letter<'a>(name: &'a str, email: &'a str) -> Letter<'a> {
        Letter {
            audit_id: "a-1",
            email,
            full_name: Some(name),
            preferred_name: None,
            score: Some(62),
            pdf: b"%PDF-1.7 fake",
            pdf_sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            resends: 0,
            date: datetime!(2026-11-15 12:00:00 UTC),
        }
    }

    fn headers(raw: &str) -> Vec<String> {
        let head = raw.split("\r\n\r\n").next().unwrap();
        head.split("\r\n")
            .filter(|l| !l.starts_with(' ') && !l.starts_with('\t'))
            .map(|l| l.split(':').next().unwrap().to_ascii_lowercase())
            .collect()
    }

    #[test]
    fn headers_and_stable_bytes() {
        let c = Composer::new(&settings()).unwrap();
        let b = c
            .compose(&letter("Zoë Müller-Łukasz", "zoe+x@example.com"))
            .unwrap();
        assert_eq!(b.message_id, "<a-1.0123456789abcdef@risk.example>");
        let raw = String::from_utf8(b.message.formatted()).unwrap();
        for h in [
            "From: \"AI Career Risk\" <reports@risk.example>",
            "Reply-To: help@risk.example",
            "Message-ID: <a-1.0123456789abcdef@risk.example>",
            "Date: Sun, 15 Nov 2026 12:00:00 +0000",
            "List-Unsubscribe: <https://risk.example/u?id=a-1&e=zoe%2Bx%40example.com>,",
            "<mailto:help@risk.example?subject=unsubscribe%20a-1>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "\"AI-Career-Risk-Report-Zoe-Muller-Lukasz.pdf\"",
        ] {
            assert!(raw.contains(h), "lacks {h}:\n{raw}");
        }
        // The same report gives the same bytes.
        let again = c
            .compose(&letter("Zoë Müller-Łukasz", "zoe+x@example.com"))
            .unwrap();
        assert_eq!(b.message.formatted(), again.message.formatted());
    }

    #[test]
    fn crlf_in_a_name_cannot_add_a_header() {
        let c = Composer::new(&settings()).unwrap();
        for name in [
            "Eve\r\nBcc: x@y.example",
            "Eve\nBcc: x@y.example",
            "Eve\rBcc: x@y.example",
            "=?utf-8?q?Eve=0D=0ABcc:_x@y.example?=",
        ] {
            let b = c.compose(&letter(name, "eve@example.com")).unwrap();
            let raw = String::from_utf8(b.message.formatted()).unwrap();
            let hs = headers(&raw);
            assert!(
                !hs.iter().any(|h| h == "bcc"),
                "{name:?} added a Bcc:\n{raw}"
            );
            assert_eq!(hs.iter().filter(|h| *h == "to").count(), 1, "{raw}");
            let env = b.message.envelope();
            assert_eq!(env.to().len(), 1, "{name:?}");
            assert_eq!(env.to()[0].to_string(), "eve@example.com");
        }
        // An address with a line break is refused outright.
        assert!(c
            .compose(&letter("Eve", "eve@example.com\r\nBcc: x@y.example"))
            .is_err());
        assert!(c
            .compose(&letter("Eve", "eve@example.com\nBcc: x@y.example"))
            .is_err());
    }

    #[test]
    fn subject_and_bodies_are_personal() {
        let c = Composer::new(&settings()).unwrap();
        let b = c.compose(&letter("Ana Silva", "ana@example.com")).unwrap();
        let raw = String::from_utf8(b.message.formatted()).unwrap();
        assert!(
            raw.contains("Subject: Ana Silva, your AI career risk report is ready\r\n"),
            "{raw}"
        );
        // The score stays out of the subject, which lock screens and shared inboxes show.
        assert!(!raw.contains("Subject: Ana Silva, your AI career risk report is ready: 62"));
        let flat = raw.replace("=\r\n", "").replace("=3D", "=");
        assert!(
            flat.contains("<meta name=\"color-scheme\" content=\"light only\">"),
            "{flat}"
        );
        assert!(flat.contains("display:none;max-height:0"), "a preheader");
        assert!(raw.contains("Hi Ana Silva,"), "{raw}");
        // No word of a name is guessed to be the given name ("Hi Sun," for Sun Haoran).
        let sun = c.compose(&letter("Sun Haoran", "sun@example.com")).unwrap();
        let sun = String::from_utf8(sun.message.formatted()).unwrap();
        assert!(
            sun.contains("Hi Sun Haoran,") && !sun.contains("Hi Sun,"),
            "{sun}"
        );
        // A preferred name is the salutation's; the To header keeps the whole name.
        let jo = c
            .compose(&Letter {
                preferred_name: Some("Jo"),
                ..letter("Kim Jo-yeon", "jo@example.com")
            })
            .unwrap();
        let jo = String::from_utf8(jo.message.formatted()).unwrap();
        assert!(jo.contains("Hi Jo,") && !jo.contains("Hi Kim"), "{jo}");
        assert!(
            jo.contains("Subject: Jo, your AI career risk report"),
            "{jo}"
        );
        assert!(jo.contains("To: \"Kim Jo-yeon\" <jo@example.com>"), "{jo}");
        assert!(raw.contains("Content-Type: text/html"), "{raw}");
        assert!(raw.contains("To: \"Ana Silva\" <ana@example.com>"), "{raw}");
    }

    #[test]
    fn the_brand_signs_the_email_and_colours_it() {
        let mut st = settings();
        st.from = "reports@risk.example".parse().unwrap();
        st.brand.name = "Northwind Careers".into();
        st.brand.primary = crate::page::Color::rgb(0x12, 0x34, 0x56);
        let c = Composer::new(&st).unwrap();
        let raw = String::from_utf8(
            c.compose(&letter("Ana Silva", "ana@example.com"))
                .unwrap()
                .message
                .formatted(),
        )
        .unwrap();
        // Soft line breaks of quoted-printable may fall anywhere: read the parts unfolded.
        let flat = raw.replace("=\r\n", "");
        assert!(
            flat.matches("Northwind Careers").count() >= 3,
            "text and HTML sign with the brand:\n{raw}"
        );
        assert!(
            flat.contains("#123456"),
            "the HTML takes the brand colour:\n{raw}"
        );
        assert!(!flat.contains("AI Career Risk team"), "{raw}");
    }

    #[test]
    fn a_brand_logo_is_an_inline_image_of_the_html_part_and_the_text_stays() {
        let body = |raw: &str, content_type: &str| -> String {
            let start = raw.find(content_type).expect(content_type);
            let rest = &raw[start..];
            let body = rest.find("\r\n\r\n").unwrap() + 4;
            rest[body..body + rest[body..].find("\r\n--").unwrap()].to_string()
        };
        let plain = settings();
        let mut st = settings();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let logo = crate::report::Logo::load(&dir, "logo.png").unwrap();
        st.brand.logo_image = Some(std::sync::Arc::new(logo));
        let letter = letter("Ana Silva", "ana@example.com");
        let without = String::from_utf8(
            Composer::new(&plain)
                .unwrap()
                .compose(&letter)
                .unwrap()
                .message
                .formatted(),
        )
        .unwrap();
        let raw = String::from_utf8(
            Composer::new(&st)
                .unwrap()
                .compose(&letter)
                .unwrap()
                .message
                .formatted(),
        )
        .unwrap();
        assert!(!without.contains("cid:") && !without.contains("multipart/related"));
        assert!(raw.contains("Content-Type: multipart/related;"), "{raw}");
        let html = body(&raw, "Content-Type: text/html").replace("=\r\n", "");
        let cid = html
            .split("src=3D\"cid:")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_else(|| panic!("the HTML shows the logo by Content-ID:\n{html}"));
        assert!(
            cid.starts_with("logo.") && cid.ends_with("@risk.example"),
            "{cid}"
        );
        assert!(html.contains("width=3D\"120\" height=3D\"40\""), "{html}");
        let part = &raw[raw
            .find(&format!("Content-ID: <{cid}>"))
            .expect("the inline part")..];
        let head = &part[..part.find("\r\n\r\n").unwrap()];
        assert!(head.contains("Content-Disposition: inline"), "{head}");
        assert!(head.contains("Content-Type: image/png"), "{head}");
        // The related part follows the HTML inside the alternative, after the plain text.
        let (text_at, related_at) = (
            raw.find("Content-Type: text/plain").unwrap(),
            raw.find("Content-Type: multipart/related").unwrap(),
        );
        assert!(text_at < related_at && related_at < raw.find("Content-Type: text/html").unwrap());
        assert_eq!(
            body(&raw, "Content-Type: text/plain"),
            body(&without, "Content-Type: text/plain"),
            "the plain text is unchanged"
        );
    }

    #[test]
    fn unsubscribe_tokens_are_signed_and_a_resend_is_a_new_message() {
        let mut st = settings();
        st.unsubscribe_url = Some("https://risk.example/u?t={token}".into());
        st.unsubscribe_secret = Some(crate::mail::settings::Secret::new(
            "0123456789abcdef-secret",
        ));
        st.postal_address = Some("1 Main St, Springfield".into());
        let c = Composer::new(&st).unwrap();
        let b = c.compose(&letter("Ana Silva", "Ana@Example.com")).unwrap();
        let raw = String::from_utf8(b.message.formatted()).unwrap();
        let token = unsubscribe_token("0123456789abcdef-secret", "a-1", "ana@example.com");
        assert!(
            token.starts_with("a-1.") && token.len() == 4 + 32,
            "{token}"
        );
        assert!(
            raw.contains(&format!("<https://risk.example/u?t={token}>")),
            "{raw}"
        );
        assert!(!raw.contains("u?t=a-1.\r") && !raw.to_lowercase().contains("u?t=ana"));
        assert_ne!(
            token,
            unsubscribe_token("another-secret-0123456789", "a-1", "ana@example.com")
        );
        assert_ne!(
            token,
            unsubscribe_token("0123456789abcdef-secret", "a-2", "ana@example.com")
        );
        assert!(
            raw.contains("1 Main St, Springfield"),
            "postal address in the footer"
        );
        let mut l = letter("Ana Silva", "ana@example.com");
        l.resends = 2;
        assert_eq!(
            c.compose(&l).unwrap().message_id,
            "<a-1.0123456789abcdef.r2@risk.example>"
        );
    }

    #[test]
    fn the_footer_text_has_enough_contrast() {
        // WCAG 2 contrast of the footer grey and the body text on white: at least 4.5:1.
        let lum = |hex: &str| {
            let c = |i: usize| {
                let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * c(0) + 0.7152 * c(2) + 0.0722 * c(4)
        };
        let html = BUILTIN[2].1;
        let mut seen = 0;
        for part in html.split("color:#").skip(1) {
            let hex = &part[..6];
            let ratio = (1.05) / (lum(hex) + 0.05);
            assert!(ratio >= 4.5, "#{hex} on white: {ratio:.2}:1");
            seen += 1;
        }
        assert!(seen >= 2, "the template sets its text colours");
    }

    #[test]
    fn attachment_names() {
        let both = |name: &str| {
            (
                attachment_name(Some(name), "a-7"),
                attachment_ascii_name(Some(name), "a-7"),
            )
        };
        let p = |s: &str| format!("AI-Career-Risk-Report-{s}.pdf");
        assert_eq!(both("Ana Silva"), (p("Ana-Silva"), p("Ana-Silva")));
        // Every letter is kept as written (issue #14); the fallback transliterates it.
        assert_eq!(
            both("Nguyễn Thị Hồng"),
            (p("Nguyễn-Thị-Hồng"), p("Nguyen-Thi-Hong"))
        );
        assert_eq!(
            both("Μαρία Γεωργίου"),
            (p("Μαρία-Γεωργίου"), p("Maria-Georgiou"))
        );
        assert_eq!(both("王小明"), (p("王小明"), p("WangXiaoMing")));
        assert_eq!(both("محمد الهاشمي"), (p("محمد-الهاشمي"), p("mHmd-lhshmy")));
        // Marks (virama, vowel signs) and ZWNJ belong to the word they are in.
        assert_eq!(both("अर्जुन शर्मा").0, p("अर्जुन-शर्मा"));
        assert_eq!(both("مهرداد نیک\u{200C}نام").0, p("مهرداد-نیک\u{200C}نام"));
        assert_eq!(both("ジョン・スミス").0, p("ジョン-スミス"));
        // Decomposed input gives the same (NFC) name.
        assert_eq!(both("Nguye\u{302}\u{303}n").0, p("Nguyễn"));
        assert_eq!(both("🙂 ‐"), (p("a-7"), p("a-7")));
        assert_eq!(both("O'Brien, Seán"), (p("OBrien-Seán"), p("OBrien-Sean")));
        // Nothing a file system refuses, in either name.
        for (utf8, ascii) in [
            both("a/b\\c:d*e?f\"g<h>i|j\u{7}k"),
            both("  Ana \t  Silva  "),
        ] {
            for n in [&utf8, &ascii] {
                assert!(
                    !n.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|', ' ']),
                    "{n}"
                );
                assert!(!n.chars().any(char::is_control), "{n}");
                assert!(!n.contains("--"), "{n}");
            }
        }
        assert_eq!(both("  Ana \t  Silva  ").0, p("Ana-Silva"));
        assert_eq!(attachment_name(None, "a-7"), p("a-7"));
        assert_eq!(attachment_ascii_name(None, "a-7"), p("a-7"));
        // Long names are cut at a whole character, within 255 bytes in any script.
        let full = "अर्जुन-".repeat(30);
        let long = both(&"अर्जुन ".repeat(30)).0;
        let who = &long["AI-Career-Risk-Report-".len()..long.len() - ".pdf".len()];
        assert!(long.len() <= 255 && full.starts_with(who), "{long}");
        assert!(
            full.grapheme_indices(true).any(|(i, _)| i == who.len()),
            "cut inside a character: {long}"
        );
        let long = both(&"𠀀".repeat(100)).0;
        assert!(
            long.len() <= 255 && long.chars().filter(|&c| c == '𠀀').count() == 45,
            "{long}"
        );
    }

    /// The value of a part's header, unfolded, from a formatted message.
    fn part_header(raw: &str, part_type: &str, name: &str) -> String {
        let at = raw.find(part_type).unwrap();
        let start = raw[..at].rfind("\r\n--").unwrap();
        let end = start + raw[start..].find("\r\n\r\n").unwrap();
        let head = raw[start..end].replace("\r\n ", " ");
        let prefix = format!("{name}: ");
        head.split("\r\n")
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {name} in {head}"))
            .to_string()
    }

    /// The RFC 2231 `filename*` of a Content-Disposition value, decoded.
    fn rfc2231_filename(value: &str) -> String {
        let mut parts: Vec<(usize, String)> = value
            .split(';')
            .map(str::trim)
            .filter_map(|p| p.strip_prefix("filename*"))
            .map(|p| {
                let (key, v) = p.split_once('=').unwrap();
                let n = key.trim_end_matches('*').parse().unwrap_or(0);
                (n, v.strip_prefix("utf-8''").unwrap_or(v).to_string())
            })
            .collect();
        parts.sort();
        let joined: String = parts.into_iter().map(|(_, v)| v).collect();
        percent_encoding::percent_decode_str(&joined)
            .decode_utf8()
            .unwrap()
            .into_owned()
    }

    #[test]
    fn the_attachment_carries_the_utf8_name_and_an_ascii_fallback() {
        let c = Composer::new(&settings()).unwrap();
        for (name, ascii) in [
            ("Nguyễn Thị Hồng", "Nguyen-Thi-Hong"),
            ("محمد الهاشمي", "mHmd-lhshmy"),
            ("王小明", "WangXiaoMing"),
            // Long enough for RFC 2231 continuations over several lines.
            (
                "ბერიძე გიორგი ალექსანდრე ხუციშვილი",
                "berize-giorgi-aleksandre-xucishvili",
            ),
        ] {
            let b = c.compose(&letter(name, "x@example.com")).unwrap();
            let raw = String::from_utf8(b.message.formatted()).unwrap();
            assert!(raw.is_ascii(), "headers are 7-bit");
            assert!(
                raw.split("\r\n").all(|l| l.len() <= 78),
                "folded lines:\n{raw}"
            );
            let cd = part_header(&raw, "Content-Type: application/pdf", "Content-Disposition");
            assert!(cd.starts_with("attachment;"), "{cd}");
            assert!(!cd.contains("filename=\""), "one file name only: {cd}");
            assert_eq!(
                rfc2231_filename(&cd),
                attachment_name(Some(name), "a-1"),
                "{cd}"
            );
            let ct = part_header(&raw, "Content-Type: application/pdf", "Content-Type");
            assert_eq!(
                ct,
                format!("application/pdf; name=\"AI-Career-Risk-Report-{ascii}.pdf\"")
            );
        }
    }
}
