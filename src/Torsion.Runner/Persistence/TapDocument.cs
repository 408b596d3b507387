using System.Text.Json.Serialization;

namespace Torsion.Runner.Persistence;

/// <summary>
/// A saved application (twistd's .tap, which is a pickle; ours is JSON a person can read and edit).
/// What is saved is the recipe, not the objects: the plugin and the exact arguments that built the
/// service tree, plus the run settings that belong to the application. Starting with <c>-f</c>
/// rebuilds the same tree from them. The service list is informational (what was running, for the
/// reader); it is not used to rebuild. Version 1; a reader refuses versions it does not know.
/// </summary>
internal sealed class TapDocument
{
    /// <summary>The value of <see cref="Format"/> in every tap file.</summary>
    public const string FormatName = "torsion-tap";

    /// <summary>The version this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Always <see cref="FormatName"/>: tells a tap file from any other JSON.</summary>
    [JsonPropertyName("format")]
    public string Format { get; set; } = FormatName;

    /// <summary>The format version.</summary>
    [JsonPropertyName("version")]
    public int Version { get; set; } = CurrentVersion;

    /// <summary>When it was saved (UTC, ISO 8601).</summary>
    [JsonPropertyName("saved")]
    public DateTimeOffset Saved { get; set; }

    /// <summary>The torsiond version that saved it.</summary>
    [JsonPropertyName("torsiond")]
    public string? Torsiond { get; set; }

    /// <summary>The application's name (the file is NAME-shutdown.tap).</summary>
    [JsonPropertyName("application")]
    public string Application { get; set; } = "";

    /// <summary>The plugin that builds the service tree.</summary>
    [JsonPropertyName("plugin")]
    public string Plugin { get; set; } = "";

    /// <summary>The plugin's arguments, exactly as parsed at the first start.</summary>
    [JsonPropertyName("arguments")]
    public List<string> Arguments { get; set; } = [];

    /// <summary>The directory the arguments' relative paths were written against.</summary>
    [JsonPropertyName("directory")]
    public string? Directory { get; set; }

    /// <summary>The application's user id, if it asked for one.</summary>
    [JsonPropertyName("uid")]
    public uint? Uid { get; set; }

    /// <summary>The application's group id, if it asked for one.</summary>
    [JsonPropertyName("gid")]
    public uint? Gid { get; set; }

    /// <summary>The services that were running, for a human reader: "name (Type)", depth-first.</summary>
    [JsonPropertyName("services")]
    public List<string> Services { get; set; } = [];
}
