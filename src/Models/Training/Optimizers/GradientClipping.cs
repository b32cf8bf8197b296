using LlmForge.Autograd;

namespace LlmForge.Training.Optimizers;

/// <summary>torch.nn.utils.clip_grad_norm_: scales all gradients so their global L2 norm is at most maxNorm.</summary>
public static class GradientClipping
{
    /// <summary>Returns the global norm before clipping.</summary>
    public static double ClipGlobalNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        double norm = GlobalNorm(withGrad);
        ClipToNorm(withGrad, maxNorm, norm);
        return norm;
    }

    /// <summary>
    /// The L2 norm of all gradients together, from the backend's sum of squares: NaN or infinity when any gradient
    /// value is (the trainers' <see cref="NonFiniteGuard"/> reads it for that).
    /// </summary>
    public static double GlobalNorm(IEnumerable<Tensor> parameters)
    {
        double sumSq = 0;
        foreach (var p in parameters)
            if (p.Grad is not null) sumSq += p.Backend.SumOfSquares(p.Grad);
        return Math.Sqrt(sumSq);
    }

    /// <summary>Scales the gradients whose global norm is <paramref name="norm"/> (<see cref="GlobalNorm"/>) down to at most <paramref name="maxNorm"/>.</summary>
    public static void ClipToNorm(IEnumerable<Tensor> parameters, float maxNorm, double norm)
    {
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1)
            foreach (var p in parameters)
                if (p.Grad is not null) p.Backend.Scale(p.Grad, (float)coef, p.Grad);
    }
}
