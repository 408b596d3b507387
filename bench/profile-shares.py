#!/usr/bin/env python3
"""Reads `perf report --no-children --sort dso,sym --stdio -g none` on stdin and prints the shares of the
samples by what the CPU was doing (bench/syscalls --profile): the kernel's network work, which no event
mechanism can avoid, against the parts an event mechanism adds or replaces."""
import re
import sys

# First match wins, so the specific groups come before the catch-all kernel one.
GROUPS = [
    ("io_uring (submission, completion, task work, buffers)", r"\[k\] (io_|__io_|io_uring|tctx_task_work|task_work_run|__task_work)"),
    ("epoll and poll (readiness checks, io_uring's too)", r"\[k\] (ep_|__ep_|do_epoll|epoll|tcp_poll|sock_poll|__pollwait|poll_freewait|__x64_sys_epoll)"),
    ("system-call entry and exit", r"\[k\] (entry_SYSCALL|do_syscall_64|syscall_exit|exit_to_user|__x64_sys_|syscall_return|its_return_thunk|__x86_return_thunk|srso_|retbleed_|fpregs_|switch_fpu|__sys_recvfrom|__sys_sendto|__sys_accept4|__sys_sendmsg)"),
    ("descriptor lookup", r"\[k\] (fdget|__fget|fput|__fput|fd_install|alloc_fd|file_close_fd|close_fd|__close_fd)"),
    ("the server's own code (user space)", r"\[\.\]"),
    ("kernel: TCP, loopback, sockets, scheduler", r"\[k\]"),
]

shares = {name: 0.0 for name, _ in GROUPS}
top = []
for line in sys.stdin:
    m = re.match(r"\s+([\d.]+)%\s+(.*)$", line)
    if not m:
        continue
    share, rest = float(m.group(1)), m.group(2)
    top.append((share, " ".join(rest.split())))
    for name, pattern in GROUPS:
        if re.search(pattern, rest):
            shares[name] += share
            break
total = sum(shares.values())
for name, _ in GROUPS:
    print(f"  {shares[name] / total * 100:5.1f}%  {name}")
print("  top symbols:")
for share, sym in sorted(top, reverse=True)[:12]:
    print(f"  {share:5.1f}%  {sym}")
