#!/usr/bin/python3
"""Twisted's Deferred in the shapes of bench/Torsion.Bench.Deferred (run with Debian's python3-twisted).

usage: /usr/bin/python3 bench/deferred_twisted.py [--csv]

A chain of LENGTH callbacks that each add one to an int, either added to a Deferred that has
already fired ("fired") or added first and then fired ("later"); and async functions awaiting
each other LENGTH deep over an unfired Deferred (ensureDeferred: Twisted's async/await).
Prints nanoseconds per operation: the best of 5 timeit repeats, each auto-ranged to >= 0.2 s.
"""
import sys
import timeit

from twisted.internet import defer


def add_one(x):
    return x + 1


def result(d):
    box = []
    d.addCallback(box.append)
    return box[0]


def deferred_fired(length):
    d = defer.succeed(0)
    for _ in range(length):
        d.addCallback(add_one)
    return result(d)


def deferred_later(length):
    d = defer.Deferred()
    for _ in range(length):
        d.addCallback(add_one)
    d.callback(0)
    return result(d)


async def await_deferred(d):
    return await d + 1


def deferred_await_later(length):
    source = defer.Deferred()
    d = source
    for _ in range(length):
        d = defer.ensureDeferred(await_deferred(d))
    source.callback(0)
    return result(d)


SHAPES = [
    ("DeferredFired", deferred_fired),
    ("DeferredLater", deferred_later),
    ("DeferredAwaitLater", deferred_await_later),
]


def measure(fn, length):
    assert fn(length) == length, fn.__name__
    timer = timeit.Timer(lambda: fn(length))
    number, _ = timer.autorange()
    best = min(timer.repeat(repeat=5, number=number))
    return best / number * 1e9


def main():
    csv = "--csv" in sys.argv
    import twisted
    if csv:
        print("Method,Length,TwistedNs")
    else:
        print(f"Twisted {twisted.__version__}, Python {sys.version.split()[0]}: ns per operation (best of 5)")
    for name, fn in SHAPES:
        for length in (1, 10):
            ns = measure(fn, length)
            print(f"{name},{length},{ns:.0f}" if csv else f"{name:20} Length={length:2}  {ns:10,.0f} ns")


if __name__ == "__main__":
    main()
