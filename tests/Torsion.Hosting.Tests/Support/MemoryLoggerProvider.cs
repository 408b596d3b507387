using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Torsion.Hosting.Tests.Support;

/// <summary>One call that reached <see cref="MemoryLoggerProvider"/>.</summary>
public sealed record LogEntry(
    string Category,
    LogLevel Level,
    string Message,
    Exception? Exception,
    IReadOnlyList<KeyValuePair<string, object?>> State,
    object? RawState)
{
    public object? this[string key] => State.FirstOrDefault(p => p.Key == key).Value;

    public bool Has(string key) => State.Any(p => p.Key == key);
}

/// <summary>An in-memory <see cref="ILoggerProvider"/>: keeps every call, and lets a test wait for one.</summary>
public sealed class MemoryLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Done)> _waiters = [];

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IEnumerable<LogEntry> For(string category) => Entries.Where(e => e.Category == category);

    public ILogger CreateLogger(string categoryName) => new MemoryLogger(this, categoryName);

    /// <summary>The first entry (past or future) matching <paramref name="match"/>, within <paramref name="seconds"/>.</summary>
    public Task<LogEntry> WaitFor(Func<LogEntry, bool> match, double seconds = 30)
    {
        var done = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_entries.FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }
            _waiters.Add((match, done));
        }
        return done.Task.WaitAsync(TimeSpan.FromSeconds(seconds));
    }

    private void Add(LogEntry entry)
    {
        lock (_lock)
        {
            _entries.Enqueue(entry);
            foreach (var waiter in _waiters.ToArray())
            {
                if (waiter.Match(entry))
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(entry);
                }
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class MemoryLogger(MemoryLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var pairs = state is IEnumerable<KeyValuePair<string, object?>> kv ? kv.ToArray() : [];
            provider.Add(new LogEntry(category, logLevel, formatter(state, exception), exception, pairs, state));
        }
    }
}
