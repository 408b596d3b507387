#!/usr/bin/python3
"""Twisted's spawnProcess in the shapes of bench/Torsion.Bench.Process (run with Debian's python3-twisted).

usage: /usr/bin/python3 bench/process_twisted.py spawn N CONCURRENCY [PROGRAM]
       /usr/bin/python3 bench/process_twisted.py pipe BYTES

spawn: starts PROGRAM (default /bin/true) N times through reactor.spawnProcess with the default
childFDs (three pipes), keeping CONCURRENCY children in flight, each replaced when its processEnded
arrives; prints "spawns_per_s=<float>" (from the first spawn to the last processEnded).
pipe: runs `head -c BYTES /dev/zero` and counts the bytes its outReceived gets; prints "mb_per_s=<float>".
The default reactor (epoll on Linux).
"""
import sys
import time

from twisted.internet import protocol, reactor


class Counted(protocol.ProcessProtocol):
    def __init__(self, run):
        self.run = run

    def processEnded(self, reason):
        self.run.ended()


class SpawnRun:
    def __init__(self, program, total, concurrency):
        self.program = program
        self.total = total
        self.concurrency = concurrency
        self.started = 0
        self.finished = 0

    def start(self):
        self.t0 = time.perf_counter()
        for _ in range(min(self.concurrency, self.total)):
            self.spawn()

    def spawn(self):
        self.started += 1
        reactor.spawnProcess(Counted(self), self.program, [self.program], env=None)

    def ended(self):
        self.finished += 1
        if self.started < self.total:
            self.spawn()
        elif self.finished == self.total:
            self.elapsed = time.perf_counter() - self.t0
            reactor.stop()


class Drain(protocol.ProcessProtocol):
    def __init__(self):
        self.count = 0

    def connectionMade(self):
        self.t0 = time.perf_counter()
        self.transport.closeStdin()

    def outReceived(self, data):
        self.count += len(data)

    def processEnded(self, reason):
        self.elapsed = time.perf_counter() - self.t0
        reactor.stop()


def main(argv):
    if len(argv) >= 3 and argv[0] == "spawn":
        run = SpawnRun(argv[3] if len(argv) > 3 else "/bin/true", int(argv[1]), int(argv[2]))
        reactor.callWhenRunning(run.start)
        reactor.run()
        print(f"spawns_per_s={run.total / run.elapsed:.1f}")
    elif len(argv) == 2 and argv[0] == "pipe":
        drain = Drain()
        reactor.callWhenRunning(lambda: reactor.spawnProcess(drain, "/usr/bin/head", ["head", "-c", argv[1], "/dev/zero"], env=None))
        reactor.run()
        print(f"mb_per_s={drain.count / drain.elapsed / 1e6:.1f} bytes={drain.count}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
