namespace Torsion.Web.Tests.WebSocket;

/// <summary>Blocking waits for events on the reactor thread, bounded so a broken test fails instead of hanging.</summary>
internal static class Waits
{
    public static void For(Task task, string what)
    {
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), what + " did not happen within 60 s.");
    }

    public static T For<T>(Task<T> task, string what)
    {
        For((Task)task, what);
        return task.Result;
    }
}
