// Every host here forwards the process-wide Torsion log (GlobalLog) to its own logger provider, and the
// systemd test sets NOTIFY_SOCKET for the process: tests run one at a time so each sees only its own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
