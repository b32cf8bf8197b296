namespace LlmForge.Autograd;

/// <summary>
/// Whether ops record the graph, like <c>torch.no_grad()</c>:
/// <code>using (GradMode.NoGrad()) { var logits = model.Forward(ids); }</code>
/// Scopes nest; the setting flows with the logical call (AsyncLocal), so it survives awaits.
/// </summary>
public static class GradMode
{
    private static readonly AsyncLocal<int> DisabledDepth = new();

    /// <summary>False inside a <see cref="NoGrad"/> scope: ops then build no graph and outputs never require grad.</summary>
    public static bool IsEnabled => DisabledDepth.Value == 0;

    /// <summary>Turns recording off until the returned scope is disposed.</summary>
    public static IDisposable NoGrad()
    {
        int previous = DisabledDepth.Value;
        DisabledDepth.Value = previous + 1;
        return new Scope(previous);
    }

    private sealed class Scope(int previous) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            DisabledDepth.Value = previous;
        }
    }
}
