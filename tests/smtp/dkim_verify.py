#!/usr/bin/env python3
"""Verifies the DKIM signature of each .eml file given, with dkimpy (Debian python3-dkim) and
the public key (base64 DER, as published in DNS) from PUBKEY_FILE instead of a DNS lookup.

    dkim_verify.py PUBKEY_FILE FILE.eml...

Prints "verified N of M" and exits 0 only when every file verifies.
"""

import sys

import dkim


def main():
    pub = open(sys.argv[1]).read().strip()

    def dns(name, timeout=5):
        return ("v=DKIM1; k=rsa; p=" + pub).encode()

    files = sys.argv[2:]
    ok = sum(bool(dkim.verify(open(f, "rb").read(), dnsfunc=dns)) for f in files)
    print("verified %d of %d" % (ok, len(files)))
    return 0 if files and ok == len(files) else 1


if __name__ == "__main__":
    sys.exit(main())
