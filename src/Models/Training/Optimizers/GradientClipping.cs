using LlmForge.Autograd;

namespace LlmForge.Training.Optimizers;

/// <summary>torch.nn.utils.clip_grad_norm_: scales all gradients so their global L2 norm is at most maxNorm.</summary>
public static class GradientClipping
{
    /// <summary>Returns the global norm before clipping.</summary>
    public static double ClipGlobalNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        double sumSq = 0;
        foreach (var p in withGrad) sumSq += p.Backend.SumOfSquares(p.Grad);
        double norm = Math.Sqrt(sumSq);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1)
            foreach (var p in withGrad) p.Backend.Scale(p.Grad, (float)coef, p.Grad);
        return norm;
    }
}
