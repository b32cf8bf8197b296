namespace LlmForge.Tests.Backends.Reference;

/// <summary>
/// Central finite differences of a double-precision reference forward pass, for gradient checks.
/// </summary>
/// <remarks>
/// The method: a backend's float backward kernel is compared with dL/dθ of L(θ) = Σ w ⊙ f(θ) (w fixed random
/// weights, fed to the backward kernel as dy), where f is the <b>double</b> reference forward, itself checked
/// against the backend's float forward by the parity tests. In double, a central difference with step
/// h = 1e-6·max(1, |θ|) has truncation error ~h² and round-off ~1e-16/h, both ~1e-10, so the tolerance
/// can stay at 1e-4 (<see cref="Tolerances.GradientRelative"/>); differences of the float kernels would need
/// h ~ 1e-2 and percent-level tolerances that miss small mistakes.
/// </remarks>
public static class FiniteDifference
{
    /// <summary>dL/dθ[i] for every i, L evaluated by <paramref name="loss"/> on a perturbed copy of θ.</summary>
    public static double[] Gradient(double[] theta, Func<double[], double> loss)
    {
        var g = new double[theta.Length];
        var t = (double[])theta.Clone();
        for (int i = 0; i < t.Length; i++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(theta[i]));
            t[i] = theta[i] + h;
            double plus = loss(t);
            t[i] = theta[i] - h;
            double minus = loss(t);
            t[i] = theta[i];
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /// <summary>Σ w ⊙ y.</summary>
    public static double Weighted(double[] y, float[] w)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += w[i] * y[i];
        return s;
    }
}
