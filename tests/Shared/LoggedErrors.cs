using Torsion.Logging;

namespace Torsion.TestSupport;

/// <summary>
/// How a test declares the errors it expects the global log to receive (a protocol callback that
/// throws on purpose, a failure left unhandled on purpose). Undeclared errors fail the test
/// (<see cref="TestGuardAttribute"/>).
/// </summary>
/// <example><code>
/// var expected = LoggedErrors.Expect&lt;InvalidOperationException&gt;();
/// ... // the reactor logs the exception the protocol threw
/// Assert.Equal(1, expected.Count);
/// </code></example>
public static class LoggedErrors
{
    /// <summary>
    /// Declares that the running test may log errors matching <paramref name="match"/>; each one is
    /// consumed by the returned handle (which tests can assert on) for the rest of the test.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside a test.</exception>
    public static ExpectedLogErrors Expect(string description, Func<LogEvent, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var scope = TestLogScope.Current ?? throw new InvalidOperationException("LoggedErrors.Expect is for use inside a test.");
        return scope.Expect(description, match);
    }

    /// <summary>Expects errors carrying a failure of type <typeparamref name="TException"/> (or derived).</summary>
    public static ExpectedLogErrors Expect<TException>() where TException : Exception =>
        Expect(typeof(TException).Name, e => e.Failure?.Value is TException);

    /// <summary>Expects errors whose formatted message contains <paramref name="text"/>.</summary>
    public static ExpectedLogErrors ExpectMessage(string text) =>
        Expect($"message containing \"{text}\"", e => e.FormatMessage().Contains(text, StringComparison.Ordinal));

    /// <summary>Expects errors whose failure's message contains <paramref name="text"/>.</summary>
    public static ExpectedLogErrors ExpectFailureMessage(string text) =>
        Expect($"failure with message containing \"{text}\"", e => e.Failure?.ErrorMessage.Contains(text, StringComparison.Ordinal) == true);
}
