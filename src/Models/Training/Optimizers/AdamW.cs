namespace LlmForge.Training.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter), exactly as torch.optim.AdamW: decoupled weight decay per group,
/// bias-corrected first and second moments. The update itself is the backend's fused kernel.
/// </summary>
public sealed class AdamW(IReadOnlyList<ParameterGroup> groups, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f)
    : OptimizerBase(groups, "exp_avg", "exp_avg_sq")
{
    /// <summary>Decay of the first moment (exp_avg).</summary>
    public float Beta1 { get; } = beta1;

    /// <summary>Decay of the second moment (exp_avg_sq).</summary>
    public float Beta2 { get; } = beta2;

    /// <summary>Added to √v before dividing.</summary>
    public float Epsilon { get; } = eps;

    /// <inheritdoc/>
    public override void Step(float lr)
    {
        StepCount++;
        foreach (var group in Groups)
            foreach (var (name, p) in group.Parameters)
            {
                if (p.Grad is null) continue;
                var state = Buffers[name];
                p.Backend.AdamW(p.Data, p.Grad, state[0], state[1], lr, Beta1, Beta2, Epsilon, group.WeightDecay, StepCount);
            }
    }
}
