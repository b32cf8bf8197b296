using LlmForge.Checkpoints;
using LlmForge.Gpt;
using Xunit;

namespace LlmForge.Tests.Gpt;

/// <summary>GptModel.Loss (fused LM head + cross-entropy) against Forward's logits + CrossEntropy: loss and every gradient.</summary>
public class GptModelLossTests
{
    private static readonly GptConfig Small = new()
    {
        VocabSize = 17, ContextLength = 8, EmbeddingDim = 12, Layers = 2, Heads = 3,
        EmbeddingDropRate = 0f, AttentionDropRate = 0f, ResidualDropRate = 0f,
    };

    private static readonly int[] Ids = [1, 5, 9, 2, 16, 0, 3, 3, 7, 4, 8, 8, 2, 0, 11, 6];
    private static readonly int[] Targets = [5, 9, 2, 16, -100, 3, 3, 7, 4, 8, 8, 2, 0, -100, 6, 1];

    public static TheoryData<string, bool, int> Cases => new()
    {
        { "Managed", false, 2 }, { "Managed", true, 2 }, { "Managed", true, 1 }, { "Mkl", false, 1 }, { "Mkl", true, 2 },
    };

    /// <summary>batch 2 · seq 8 = 16 rows ≥ C = 12 precomputes the head's gradients; batch 1 (8 rows) recomputes them.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Loss_equals_Forward_then_CrossEntropy_with_the_same_gradients(string backendName, bool tied, int batch)
    {
        var config = Small with { TieWeights = tied };
        var fused = new GptModel(config, TestBackends.Create(backendName), seed: 3);
        var unfused = new GptModel(config, TestBackends.Create(backendName), seed: 3);
        int n = batch * 8;
        var fusedLoss = fused.Loss(Ids[..n], Targets[..n], batch, 8);
        var (_, unfusedLoss) = unfused.Forward(Ids[..n], Targets[..n], batch, 8);
        Assert.Equal(unfusedLoss.Item(), fusedLoss.Item(), 1e-5);
        fusedLoss.Backward();
        unfusedLoss.Backward();

        var a = unfused.NamedParameters().ToList();
        var b = fused.NamedParameters().ToList();
        for (int p = 0; p < a.Count; p++)
            for (int i = 0; i < a[p].Parameter.Length; i++)
            {
                float expected = a[p].Parameter.Grad![i], actual = b[p].Parameter.Grad![i];
                Assert.True(Math.Abs(expected - actual) <= 1e-6 + 1e-4 * Math.Abs(expected), $"{a[p].Name}[{i}]: {actual} vs {expected}");
            }
    }
}
