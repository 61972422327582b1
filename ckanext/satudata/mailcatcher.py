"""A local mail catcher for the demo portal (``scripts/run.sh``): an SMTP server
on 127.0.0.1 that accepts every message and keeps it as an ``.eml`` file, so the
portal's e-mails (workflow, data requests, password resets) work out of the box
and can be read. Production points ``smtp.server`` at a real mail server.

    python -m ckanext.satudata.mailcatcher --port 1025 --dir .data/mail
"""
from __future__ import annotations

import argparse
import datetime
import os
import signal
import threading


class Maildir:
    def __init__(self, directory: str):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = os.path.join(self.directory, f"{stamp}.eml")
        with open(path, "wb") as out:
            out.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            out.write(envelope.original_content or envelope.content)
        print(f"mail to {', '.join(envelope.rcpt_tos)}: {path}", flush=True)
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default=".data/mail")
    args = parser.parse_args()
    from aiosmtpd.controller import Controller
    controller = Controller(Maildir(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"mail catcher on {args.host}:{args.port}, messages in {args.dir}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
