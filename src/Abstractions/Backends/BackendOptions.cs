namespace LlmForge.Backends;

/// <summary>The <c>"Backend"</c> configuration key: which compute backend runs the kernels.</summary>
public sealed class BackendOptions
{
    /// <summary>A registered backend name: "Managed" (default) or "Mkl".</summary>
    public string Backend { get; set; } = "Managed";

    /// <summary>Most worker threads one may ask for.</summary>
    public const int MaxThreads = 4096;

    /// <summary>Worker threads; 0 means every core; at most <see cref="MaxThreads"/>.</summary>
    public int Threads { get; set; }
}
