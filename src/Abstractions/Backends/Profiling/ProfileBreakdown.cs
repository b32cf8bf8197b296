namespace LlmForge.Backends.Profiling;

/// <summary>
/// Where the time of some steps went, per step: one row per kernel family, the time outside every kernel (autograd
/// bookkeeping, allocation, copies made in managed code: the steps' time minus the kernels' time), and one row per
/// kernel. Shares are of the step time, so the family rows and the outside row add up to 1.
/// </summary>
/// <param name="Families">The families with at least one call (in <see cref="KernelFamily"/> order), then <see cref="OutsideKernels"/>.</param>
/// <param name="Kernels">Every kernel called, most time first.</param>
/// <param name="StepMs">Mean milliseconds of one step.</param>
public sealed record ProfileBreakdown(IReadOnlyList<ProfileRow> Families, IReadOnlyList<ProfileRow> Kernels, double StepMs)
{
    /// <summary>The family name of the time spent in no kernel.</summary>
    public const string OutsideKernels = "outside-kernels";

    /// <summary>
    /// The breakdown of <paramref name="profile"/>, recorded over <paramref name="steps"/> steps that took
    /// <paramref name="stepsSeconds"/> in all (wall clock).
    /// </summary>
    public static ProfileBreakdown Create(KernelProfile profile, int steps, double stepsSeconds)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!(stepsSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(stepsSeconds), stepsSeconds, "the steps' time must be positive");
        var called = profile.Called;
        ProfileRow Row(string kernel, string family, IReadOnlyCollection<KernelStats> stats) => new(kernel, family,
            (double)stats.Sum(s => s.Calls) / steps, stats.Sum(s => s.Seconds) * 1000 / steps,
            stats.Sum(s => s.Seconds) / stepsSeconds, stats.Sum(s => s.Seconds), stats.Sum(s => s.Flops));

        var families = called.GroupBy(s => s.Family).OrderBy(g => g.Key)
            .Select(g => Row(ProfileRow.AllKernels, TensorKernels.Name(g.Key), g.ToList())).ToList();
        double outside = stepsSeconds - profile.TotalSeconds;
        families.Add(new(ProfileRow.NoKernel, OutsideKernels, 0, outside * 1000 / steps, outside / stepsSeconds, outside, 0));
        var kernels = called.Select(s => Row(s.Kernel.ToString(), TensorKernels.Name(s.Family), [s])).ToList();
        return new(families, kernels, stepsSeconds * 1000 / steps);
    }
}

/// <summary>One line of a <see cref="ProfileBreakdown"/>.</summary>
/// <param name="Kernel">The kernel's name (<see cref="TensorKernel"/>), <see cref="AllKernels"/> on a family's total, <see cref="NoKernel"/> outside them.</param>
/// <param name="Family">gemm, attention, norms, elementwise, optimizer, embedding/cross-entropy, other-kernels or outside-kernels.</param>
/// <param name="CallsPerStep">Calls per step.</param>
/// <param name="MsPerStep">Milliseconds per step.</param>
/// <param name="Share">Fraction of the step time.</param>
/// <param name="Seconds">Seconds over all the steps.</param>
/// <param name="Flops">Floating-point operations over all the steps (GEMM family only, else 0).</param>
public sealed record ProfileRow(string Kernel, string Family, double CallsPerStep, double MsPerStep, double Share, double Seconds, long Flops)
{
    /// <summary>The <see cref="Kernel"/> of a family's total.</summary>
    public const string AllKernels = "*";

    /// <summary>The <see cref="Kernel"/> of the time outside every kernel.</summary>
    public const string NoKernel = "-";

    /// <summary>Achieved GFLOP/s inside these calls, or null where FLOPs are not counted.</summary>
    public double? Gflops => Flops > 0 && Seconds > 0 ? Flops / Seconds / 1e9 : null;
}
