#!/usr/bin/env python3
"""A real SMTP server on loopback for riskreport's email tests (aiosmtpd).

Every accepted message is written byte-exact to MAILDIR/NNNNNN-<recipient>.eml (one recipient
per message, as riskreport sends them). Chosen recipients get a 550 (permanent) or a 450 the
first time and 250 after, or a 450 every time (transient). Optional AUTH (one user, one password) and STARTTLS with a
certificate/key pair (then STARTTLS is required before MAIL and AUTH).

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
    def __init__(self, maildir, reject, tempfail, tempfail_once):
        self.maildir = maildir
        self.reject = {a.lower() for a in reject}
        self.tempfail = {a.lower() for a in tempfail}
        self.tempfail_once = {a.lower() for a in tempfail_once}
        self.tempfailed = set()
        self.seq = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        a = address.lower()
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
        safe = "".join(c if c.isalnum() or c in "@.-_+" else "_" for c in rcpt)
        name = "%06d-%s.eml" % (n, safe)
        tmp = os.path.join(self.maildir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.maildir, name))
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
    a = p.parse_args()
    os.makedirs(a.maildir, exist_ok=True)
    handler = Handler(a.maildir, a.reject, a.tempfail, a.tempfail_once)

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
