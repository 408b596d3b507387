namespace Torsion.Services;

/// <summary>The root of a service tree, as loaded by <c>torsiond</c>: a named <see cref="MultiService"/> with the user and group to run as.</summary>
public sealed class Application : MultiService
{
    /// <summary>Creates an application named <paramref name="name"/>, optionally to switch to <paramref name="uid"/>/<paramref name="gid"/> after the privileged start.</summary>
    public Application(string name, int? uid = null, int? gid = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Uid = uid;
        Gid = gid;
    }

    /// <summary>The user id to run as after the privileged start; <see langword="null"/> keeps the current one.</summary>
    public int? Uid { get; set; }

    /// <summary>The group id to run as after the privileged start; <see langword="null"/> keeps the current one.</summary>
    public int? Gid { get; set; }
}
