namespace LlmForge.Backends;

/// <summary>The <c>"Backend"</c> configuration key: which compute backend runs the kernels.</summary>
public sealed class BackendOptions
{
    /// <summary>A registered backend name: "Managed" (default) or "Mkl".</summary>
    public string Backend { get; set; } = "Managed";

    /// <summary>Worker threads; 0 means every core.</summary>
    public int Threads { get; set; }
}
