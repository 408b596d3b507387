using System.Globalization;
using System.Text;

namespace Torsion.Web.Server;

/// <summary>The <c>Date</c> header line, formatted once per second per reactor thread (RFC 9110 §5.6.7 IMF-fixdate).</summary>
internal static class HttpDate
{
    [ThreadStatic] private static byte[]? _line;
    [ThreadStatic] private static long _validUntil;

    /// <summary>"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" for the current second.</summary>
    /// <remarks>
    /// Checked against <see cref="Environment.TickCount64"/> (a coarse clock, cheaper than reading the wall
    /// clock for every response); the line is remade when the wall clock's second ends.
    /// </remarks>
    internal static ReadOnlySpan<byte> HeaderLine
    {
        get
        {
            if (_line is null || Environment.TickCount64 >= _validUntil)
            {
                var now = DateTime.UtcNow;
                _validUntil = Environment.TickCount64 + 1000 - now.Millisecond;
                _line = Encoding.ASCII.GetBytes("Date: " + now.ToString("r", CultureInfo.InvariantCulture) + "\r\n");
            }
            return _line;
        }
    }

    /// <summary>A date as the access log writes it: [10/Oct/2000:13:55:36 +0000].</summary>
    internal static string ForLog(DateTime utc) => utc.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);
}
