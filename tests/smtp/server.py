#!/usr/bin/env python3
"""A real SMTP server on loopback for riskreport's email tests (aiosmtpd).

Every accepted message is written byte-exact to MAILDIR/NNNNNN-<recipient>.eml (one recipient
per message, as riskreport sends them). Chosen recipients get a 550 (permanent) or a 450 the
first time and 250 after, or a 450 every time (transient). Optional AUTH (one user, one password) and STARTTLS with a
certificate/key pair (then STARTTLS is required before MAIL and AUTH).

Faults, for the never-twice tests:
  --drop-after-store ADDR   store the message, then drop the connection without a reply
  --slow-data SECONDS       store the message, then wait this long before replying to it
  --mail-from-reply TEXT    answer every MAIL FROM with TEXT (e.g. "553 5.7.1 not owned by user")
  --rcpt-reply ADDR=TEXT    answer RCPT TO for ADDR with TEXT (e.g. "554 5.7.0 policy"); ADDR * = all
  --data-reply ADDR=TEXT    refuse the message to ADDR at the end of DATA with TEXT; ADDR * = all

Binds an ephemeral port and prints "READY <port>" on stdout once it listens.

    server.py --maildir DIR [--reject ADDR]... [--tempfail ADDR]... [--tempfail-once ADDR]... \
              [--user U --password P] [--cert C --key K]
"""

import argparse
import asyncio
import itertools
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir, reject, tempfail, tempfail_once, faults):
        self.maildir = maildir
        self.faults = faults
        self.reject = {a.lower() for a in reject}
        self.tempfail = {a.lower() for a in tempfail}
        self.tempfail_once = {a.lower() for a in tempfail_once}
        self.tempfailed = set()
        self.seq = itertools.count(1)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.faults.mail_from_reply:
            return self.faults.mail_from_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        a = address.lower()
        reply = self.faults.rcpt_reply.get(a) or self.faults.rcpt_reply.get("*")
        if reply:
            return reply
        if a in self.reject:
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if a in self.tempfail:
            return "450 4.2.1 <%s>: Mailbox busy, try again later" % address
        if a in self.tempfail_once and a not in self.tempfailed:
            self.tempfailed.add(a)
            return "450 4.2.1 <%s>: Mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.seq)
        rcpt = envelope.rcpt_tos[0] if envelope.rcpt_tos else "none"
        reply = self.faults.data_reply.get(rcpt.lower()) or self.faults.data_reply.get("*")
        if reply:
            return reply
        safe = "".join(c if c.isalnum() or c in "@.-_+" else "_" for c in rcpt)
        name = "%06d-%s.eml" % (n, safe)
        tmp = os.path.join(self.maildir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.maildir, name))
        with open(os.path.join(self.maildir, name[:-4] + ".from"), "w") as f:
            f.write(envelope.mail_from or "")
        if rcpt.lower() in self.faults.drop_after_store:
            # Stored, and the client never hears so: the reply to the dot is lost.
            server.transport.abort()
            return "250 2.0.0 never seen"
        if self.faults.slow_data:
            await asyncio.sleep(self.faults.slow_data)
        return "250 2.0.0 Ok: queued as T%06d" % n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--maildir", required=True)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--tempfail", action="append", default=[])
    p.add_argument("--tempfail-once", action="append", default=[])
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--drop-after-store", action="append", default=[])
    p.add_argument("--slow-data", type=float, default=0)
    p.add_argument("--mail-from-reply")
    p.add_argument("--rcpt-reply", action="append", default=[])
    p.add_argument("--data-reply", action="append", default=[])
    a = p.parse_args()
    os.makedirs(a.maildir, exist_ok=True)

    def pairs(items):
        return {k.lower(): v for k, v in (i.split("=", 1) for i in items)}

    faults = argparse.Namespace(
        drop_after_store={x.lower() for x in a.drop_after_store},
        slow_data=a.slow_data,
        mail_from_reply=a.mail_from_reply,
        rcpt_reply=pairs(a.rcpt_reply),
        data_reply=pairs(a.data_reply),
    )
    handler = Handler(a.maildir, a.reject, a.tempfail, a.tempfail_once, faults)

    tls = None
    if a.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.cert, a.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == a.user
            and auth_data.password.decode() == a.password
        )
        # handled=False: aiosmtpd then answers the failure with 535 itself.
        return AuthResult(success=ok, handled=False)

    def factory():
        kw = dict(hostname="localhost", enable_SMTPUTF8=True)
        if tls:
            kw.update(tls_context=tls, require_starttls=True)
        if a.user:
            kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(tls))
        return SMTP(handler, **kw)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=0))
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
