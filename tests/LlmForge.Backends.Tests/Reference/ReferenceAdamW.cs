namespace LlmForge.Tests.Backends.Reference;

/// <summary>torch.optim.AdamW's update, written out in double (decay first, on the old parameter).</summary>
public static class ReferenceAdamW
{
    public static void Step(double[] p, double[] g, double[] m, double[] v,
        double lr, double beta1, double beta2, double eps, double weightDecay, int step)
    {
        double bias1 = 1 - Math.Pow(beta1, step), bias2 = 1 - Math.Pow(beta2, step);
        for (int i = 0; i < p.Length; i++)
        {
            p[i] *= 1 - lr * weightDecay;
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            double mHat = m[i] / bias1, vHat = v[i] / bias2;
            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }
}
