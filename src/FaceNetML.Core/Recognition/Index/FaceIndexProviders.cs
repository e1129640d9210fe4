namespace FaceNetML.Recognition;

/// <summary>
/// The gallery backends registered by packages outside the core (see <see cref="IFaceIndexProvider"/>). An
/// application registers each one it ships at start-up, before it opens a gallery, for example
/// <c>PostgresGalleries.Register()</c> from FaceNetML.Galleries.Postgres.
/// </summary>
public static class FaceIndexProviders
{
    private static readonly Lock Gate = new();
    private static IFaceIndexProvider[] _providers = [];

    // Locations of backends that live in their own package: a one-line hint when that package was not registered.
    private const string PostgresHint = "PostgreSQL galleries need the FaceNetML.Galleries.Postgres package (call PostgresGalleries.Register() at start-up)";
    private static readonly (string Prefix, string Hint)[] KnownPrefixes =
    [
        ("postgres://", PostgresHint),
        ("postgresql://", PostgresHint),
    ];

    /// <summary>Adds a provider; registering one of the same type again does nothing, so start-up code may call it
    /// more than once.</summary>
    public static void Register(IFaceIndexProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (Gate)
        {
            if (_providers.Any(p => p.GetType() == provider.GetType())) return;
            _providers = [.. _providers, provider];
        }
    }

    /// <summary>Sets the registered providers, returning the previous ones (tests: a registry without a provider).</summary>
    internal static IFaceIndexProvider[] Exchange(IFaceIndexProvider[] providers)
    {
        lock (Gate)
        {
            var previous = _providers;
            _providers = providers;
            return previous;
        }
    }

    /// <summary>The registered providers, in registration order.</summary>
    public static IReadOnlyList<IFaceIndexProvider> Registered => _providers;

    /// <summary>The first registered provider that handles <paramref name="location"/>, or null.</summary>
    public static IFaceIndexProvider? For(string location) => Array.Find(_providers, p => p.Handles(location));

    /// <summary>For a location that names a backend whose package was not registered (a <c>postgres://</c> URL
    /// without FaceNetML.Galleries.Postgres), the one-line message that says so; null otherwise.</summary>
    public static string? MissingProviderMessage(string location)
    {
        if (For(location) is not null) return null;
        foreach (var (prefix, hint) in KnownPrefixes)
            if (location.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                return $"{location[..location.IndexOf("://", StringComparison.Ordinal)]}:// gallery: {hint}";
        return null;
    }
}
