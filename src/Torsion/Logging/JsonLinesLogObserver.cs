using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Torsion.Logging;

/// <summary>
/// Writes each event as one JSON object on its own line (JSON Lines), for machines to read back
/// (Twisted's <c>jsonFileLogObserver</c>, without its record-separator byte so ordinary JSON Lines
/// tools can read the file):
/// <code>
/// {"time":"2026-11-22T20:15:50.1230000+00:00","level":"info","namespace":"App","format":"Listening on {port}",
///  "text":"Listening on 8080","fields":{"port":8080},"failure":{"type":"...","message":"...","traceback":"..."}}
/// </code>
/// </summary>
/// <remarks>
/// Field values that JSON represents natively (strings, numbers, booleans, null) are written as
/// such; dates as ISO 8601 strings; enums by name; anything else as its invariant-culture string.
/// Arbitrary objects are deliberately not serialised by reflection: a logged object graph could be
/// huge, cyclic or hold secrets. <c>failure</c> and <c>source</c> appear only when present. Each
/// line is written and flushed in one call under a lock, so concurrent events never interleave.
/// </remarks>
public sealed class JsonLinesLogObserver : ILogObserver
{
    private static readonly JsonWriterOptions s_options = new()
    {
        // Log files are read by people too; keep non-ASCII text legible rather than \u-escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Lock _lock = new();
    private readonly TextWriter? _writer;
    private readonly Stream? _stream;

    /// <summary>Writes lines to <paramref name="writer"/>, which this observer does not own or dispose.</summary>
    public JsonLinesLogObserver(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <summary>Writes UTF-8 lines to <paramref name="stream"/>, which this observer does not own or dispose.</summary>
    public JsonLinesLogObserver(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <inheritdoc />
    public void Observe(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            Write(json, logEvent);
        }
        buffer.Write("\n"u8);
        lock (_lock)
        {
            if (_stream is not null)
            {
                _stream.Write(buffer.WrittenSpan);
                _stream.Flush();
            }
            else
            {
                _writer!.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
                _writer.Flush();
            }
        }
    }

    private static void Write(Utf8JsonWriter json, LogEvent e)
    {
        json.WriteStartObject();
        json.WriteString("time", e.Time);
        json.WriteString("level", LogLevelNames.Name(e.Level));
        json.WriteString("namespace", e.Namespace);
        if (e.Format is null)
        {
            json.WriteNull("format");
        }
        else
        {
            json.WriteString("format", e.Format);
        }
        json.WriteString("text", e.FormatMessage());
        json.WriteStartObject("fields");
        foreach (var (name, value) in e.Fields)
        {
            json.WritePropertyName(name);
            WriteValue(json, value);
        }
        json.WriteEndObject();
        if (e.Source is not null)
        {
            json.WritePropertyName("source");
            WriteValue(json, e.Source);
        }
        if (e.Failure is { } failure)
        {
            json.WriteStartObject("failure");
            json.WriteString("type", failure.Type.FullName);
            json.WriteString("message", failure.ErrorMessage);
            json.WriteString("traceback", failure.GetTraceback());
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case uint ui: json.WriteNumberValue(ui); break;
            case ulong ul: json.WriteNumberValue(ul); break;
            case short sh: json.WriteNumberValue(sh); break;
            case ushort us: json.WriteNumberValue(us); break;
            case byte by: json.WriteNumberValue(by); break;
            case sbyte sb: json.WriteNumberValue(sb); break;
            case decimal m: json.WriteNumberValue(m); break;
            // NaN and infinities are not JSON numbers; they fall through to strings below.
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case DateTimeOffset dto: json.WriteStringValue(dto); break;
            case DateTime dt: json.WriteStringValue(dt); break;
            case Guid g: json.WriteStringValue(g); break;
            case Enum en: json.WriteStringValue(en.ToString()); break;
            default: json.WriteStringValue(SafeToString(value)); break;
        }
    }

    private static string SafeToString(object value)
    {
        try
        {
            return MessageTemplate.FormatValue(value, null);
        }
        catch (Exception e)
        {
            return $"<unformattable {value.GetType().FullName}: {e.GetType().Name}>";
        }
    }
}
