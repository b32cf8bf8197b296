using LlmForge.Autograd;

namespace LlmForge.Training.Optimizers;

/// <summary>Updates parameters from their gradients. Kernels do the arithmetic; the optimizer owns its state.</summary>
public interface IOptimizer
{
    /// <summary>Optimizer steps taken so far.</summary>
    int StepCount { get; }

    /// <summary>Every parameter the optimizer updates, group by group.</summary>
    IEnumerable<Tensor> Parameters { get; }

    /// <summary>One update with learning rate <paramref name="lr"/>; parameters with no gradient are left alone.</summary>
    void Step(float lr);

    /// <summary>Zeroes every parameter's gradient (keeps the buffers).</summary>
    void ZeroGrad();

    /// <summary>The state to checkpoint, by name ("{parameter}.exp_avg"), for an exact resume.</summary>
    IEnumerable<(string Name, float[] Values)> State();

    /// <summary>Restores what <see cref="State"/> returned; a missing or mis-sized entry throws naming it.</summary>
    void LoadState(int stepCount, Func<string, float[]?> lookup);
}
