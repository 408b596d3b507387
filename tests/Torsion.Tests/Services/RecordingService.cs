using Torsion.Services;
using Torsion.Defer;

namespace Torsion.Tests.Services;

/// <summary>A service that writes each step it takes to a shared log, and can hold its stop open.</summary>
internal sealed class RecordingService(string name, List<string> log) : Service
{
    public Deferred? StopResult { get; set; }

    public override void PrivilegedStartService()
    {
        log.Add("privileged " + name);
        base.PrivilegedStartService();
    }

    public override void StartService()
    {
        log.Add("start " + name);
        base.StartService();
    }

    public override Deferred StopService()
    {
        log.Add("stop " + name);
        base.StopService();
        return StopResult ?? Deferred.Succeed();
    }
}
