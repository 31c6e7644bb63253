#!/usr/bin/python3
"""A real SMTP server for leadup's delivery tests (aiosmtpd, Debian's python3-aiosmtpd).

It makes a test certificate authority and a server certificate for 127.0.0.1 with the openssl
command (written to DIR/ca.pem, which the test tells leadup to trust), requires STARTTLS
before anything else, requires AUTH (LOGIN or PLAIN) with --user and the password read from
the environment variable SMTP_TEST_PASSWORD, and saves each message it accepts as
DIR/messages/N.eml together with N.json: the envelope, the login, the headers and every
leaf MIME part (content type, file name, bytes in base64) as parsed by Python's email package.

It listens on a port the system picks on 127.0.0.1 and prints that port on the first line of
standard output, then serves until it is killed.
"""

import argparse
import asyncio
import base64
import email
import email.policy
import json
import os
import ssl
import subprocess
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def make_certificates(directory):
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=leadup test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(directory, "server.ext"), "w") as ext:
        ext.write("basicConstraints=CA:FALSE\n"
                  "keyUsage=critical,digitalSignature\n"
                  "extendedKeyUsage=serverAuth\n"
                  "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")


class Saver:
    def __init__(self, directory):
        self.directory = os.path.join(directory, "messages")
        os.makedirs(self.directory, exist_ok=True)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.directory, str(self.count))
        with open(stem + ".eml", "wb") as raw:
            raw.write(envelope.original_content)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "filename": part.get_filename(),
                "base64": base64.b64encode(part.get_payload(decode=True) or b"").decode(),
            })
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        saved = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": login,
            "tls": session.ssl is not None,
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "content_type": message.get_content_type(),
            "structure": [p.get_content_type() for p in message.walk()],
            "parts": parts,
        }
        # The JSON appears whole or not at all: the test polls for it.
        with open(stem + ".json.tmp", "w") as out:
            json.dump(saved, out)
        os.rename(stem + ".json.tmp", stem + ".json")
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user", required=True)
    args = parser.parse_args()
    password = os.environ["SMTP_TEST_PASSWORD"].encode()
    make_certificates(args.dir)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(args.dir, "server.pem"), os.path.join(args.dir, "server.key"))

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == args.user.encode() and auth_data.password == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    saver = Saver(args.dir)

    def factory():
        return SMTP(saver, hostname="leadup-test-smtp", tls_context=context, require_starttls=True,
                    auth_required=True, auth_require_tls=True, authenticator=authenticate)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    print(server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == "__main__":
    sys.exit(main())
