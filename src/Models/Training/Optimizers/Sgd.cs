namespace LlmForge.Training.Optimizers;

/// <summary>
/// Stochastic gradient descent as torch.optim.SGD: d = g + wd·p; with momentum μ,
/// b = μ·b + d (b = d on the first step); p −= lr·b.
/// </summary>
public sealed class Sgd(IReadOnlyList<ParameterGroup> groups, float momentum = 0f)
    : OptimizerBase(groups, "momentum_buffer")
{
    /// <summary>The momentum buffer's decay (0: plain SGD).</summary>
    public float Momentum { get; } = momentum;

    /// <inheritdoc/>
    public override void Step(float lr)
    {
        StepCount++;
        foreach (var group in Groups)
            foreach (var (name, p) in group.Parameters)
            {
                if (p.Grad is null) continue;
                var backend = p.Backend;
                float[] d = p.Grad;
                if (group.WeightDecay != 0 || Momentum != 0)
                {
                    float[] buffer = Buffers[name][0];
                    if (Momentum == 0 || StepCount == 1) p.Grad.AsSpan().CopyTo(buffer);
                    else
                    {
                        backend.Scale(buffer, Momentum, buffer);
                        backend.Axpy(1f, p.Grad, buffer);
                    }
                    // weight decay joins d before momentum, as torch does: b += wd·p (or (1)·… on step 1)
                    if (group.WeightDecay != 0) backend.Axpy(group.WeightDecay, p.Data, buffer);
                    d = buffer;
                }
                backend.Axpy(-lr, d, p.Data);
            }
    }
}
