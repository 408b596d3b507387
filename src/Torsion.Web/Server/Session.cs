namespace Torsion.Web.Server;

/// <summary>
/// A user's session (twisted.web's <c>Session</c>): found again through a cookie on each request by
/// <see cref="Request.GetSession"/>, kept by the <see cref="Site"/>, and expired after
/// <see cref="SiteOptions.SessionTimeout"/> seconds without use. Keep per-user state in
/// <see cref="Items"/>.
/// </summary>
public sealed class Session
{
    private readonly Site _site;
    private readonly IReactorTime _clock;
    private readonly List<Action> _onExpire = [];
    private IDelayedCall? _expireCall;

    internal Session(Site site, string uid, IReactorTime clock, double timeout)
    {
        _site = site;
        _clock = clock;
        Uid = uid;
        SessionTimeout = timeout;
        LastModified = clock.Seconds();
        _expireCall = clock.CallLater(timeout, CheckExpiry);
    }

    /// <summary>The session's identifier (the cookie's value): 32 random bytes in hex.</summary>
    public string Uid { get; }

    /// <summary>Seconds without use after which the session expires.</summary>
    public double SessionTimeout { get; }

    /// <summary>When the session was last used, in the site clock's seconds.</summary>
    public double LastModified { get; private set; }

    /// <summary>Whether <see cref="Expire"/> has run.</summary>
    public bool Expired { get; private set; }

    /// <summary>The application's state for this session.</summary>
    public IDictionary<string, object?> Items { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Marks the session as used now, postponing its expiry.</summary>
    public void Touch() => LastModified = _clock.Seconds();

    /// <summary>Calls <paramref name="callback"/> when the session expires.</summary>
    public void NotifyOnExpire(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _onExpire.Add(callback);
    }

    /// <summary>Ends the session now: the site forgets it and the expiry callbacks run.</summary>
    public void Expire()
    {
        if (Expired)
        {
            return;
        }
        Expired = true;
        if (_expireCall is { Active: true })
        {
            _expireCall.Cancel();
        }
        _expireCall = null;
        _site.ForgetSession(this);
        foreach (var callback in _onExpire)
        {
            callback();
        }
        _onExpire.Clear();
    }

    // One timer per session, moved only when it fires: Touch on every request costs no timer work.
    private void CheckExpiry()
    {
        var idle = _clock.Seconds() - LastModified;
        if (idle >= SessionTimeout)
        {
            _expireCall = null;
            Expire();
            return;
        }
        _expireCall = _clock.CallLater(SessionTimeout - idle, CheckExpiry);
    }
}
