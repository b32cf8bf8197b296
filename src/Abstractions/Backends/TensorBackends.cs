namespace LlmForge.Backends;

/// <summary>Picks a backend by name among registrations (case-insensitive).</summary>
public static class TensorBackends
{
    /// <summary>Creates the backend registered as <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No registration has that name (the message lists the registered ones).</exception>
    public static ITensorBackend Create(string name, IEnumerable<TensorBackendRegistration> registrations)
    {
        var list = registrations.ToList();
        var match = list.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Unknown backend '{name}'; valid values: {string.Join(", ", list.Select(r => r.Name))}.", nameof(name));
        return match.Create();
    }
}
