#!/usr/bin/env python3
"""A throw-away SMTP server on loopback for the tests (aiosmtpd, from PyPI).

    test-smtp-server.py FOLDER [--fail-first N] [--hang-after-data]

Saves each message it accepts as FOLDER/N.eml (the bytes received) and prints
"READY PORT" once it listens on 127.0.0.1. --fail-first N answers the first N messages
"451 4.3.0 try again later" (saving nothing); --hang-after-data saves each message and then
never answers, as a server that took a letter and went silent.
"""
import argparse
import asyncio
import os
import signal
import socket
import sys
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, folder, fail_first, hang):
        self.folder, self.fail_first, self.hang = folder, fail_first, hang
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen <= self.fail_first:
            return "451 4.3.0 try again later"
        count = len([name for name in os.listdir(self.folder) if name.endswith(".eml")])
        path = os.path.join(self.folder, "%d.eml" % (count + 1))
        with open(path + ".part", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)
        with open(os.path.join(self.folder, "envelopes.log"), "a") as log:
            log.write("%s -> %s\n" % (envelope.mail_from, ",".join(envelope.rcpt_tos)))
        if self.hang:
            await asyncio.sleep(3600)
        return "250 2.0.0 accepted"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    # A parent may start this with signals blocked (they are inherited): let SIGTERM stop it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--hang-after-data", action="store_true")
    arguments = parser.parse_args()
    os.makedirs(arguments.folder, exist_ok=True)
    port = free_port()
    controller = Controller(
        Handler(arguments.folder, arguments.fail_first, arguments.hang_after_data), hostname="127.0.0.1", port=port,
        decode_data=False)
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
