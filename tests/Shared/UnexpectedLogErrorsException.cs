using System.Text;
using Torsion.Logging;

namespace Torsion.TestSupport;

/// <summary>A test logged errors it did not declare with <see cref="LoggedErrors.Expect(string, Func{LogEvent, bool})"/>.</summary>
public sealed class UnexpectedLogErrorsException(string test, IReadOnlyList<LogEvent> events)
    : Exception(Describe(test, events))
{
    public IReadOnlyList<LogEvent> Events { get; } = events;

    internal static string Describe(string test, IReadOnlyList<LogEvent> events)
    {
        var text = new StringBuilder();
        text.Append(test).Append(" logged ").Append(events.Count).Append(events.Count == 1 ? " error" : " errors")
            .Append(" it did not expect (declare expected ones with LoggedErrors.Expect):");
        foreach (var e in events)
        {
            text.AppendLine().Append("  ").Append(e);
            if (e.Failure is { } failure)
            {
                text.AppendLine().Append("    ").Append(failure.GetTraceback().Replace("\n", "\n    ", StringComparison.Ordinal));
            }
        }
        return text.ToString();
    }
}
