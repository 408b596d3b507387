namespace Torsion.Internet;

/// <summary>
/// A reactor whose name resolution can be replaced (Twisted's <c>IReactorPluggableNameResolver</c>).
/// Every Torsion reactor is one; the default resolver is <see cref="SystemHostnameResolver"/>.
/// </summary>
public interface IReactorPluggableNameResolver
{
    /// <summary>The resolver connects and <see cref="IReactorCore.Resolve"/> use now.</summary>
    IHostnameResolver NameResolver { get; }

    /// <summary>
    /// Makes <paramref name="resolver"/> the one every later lookup uses (a lookup already under way finishes
    /// with the one it started with) and returns the one it replaces, so it can be put back or wrapped.
    /// Call it before the reactor runs or on its loop thread.
    /// </summary>
    IHostnameResolver InstallNameResolver(IHostnameResolver resolver);
}
