namespace LlmForge.Backends;

/// <summary>Picks a backend by name among registrations (case-insensitive).</summary>
public static class TensorBackends
{
    public static ITensorBackend Create(string name, IEnumerable<TensorBackendRegistration> registrations)
    {
        var list = registrations.ToList();
        var match = list.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Unknown backend '{name}'; valid values: {string.Join(", ", list.Select(r => r.Name))}.", nameof(name));
        return match.Create();
    }
}
