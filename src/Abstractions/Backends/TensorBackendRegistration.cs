namespace LlmForge.Backends;

/// <summary>A backend a project makes selectable by name (each backend project registers its own).</summary>
public sealed record TensorBackendRegistration(string Name, Func<ITensorBackend> Create);
