using LlmForge.Autograd;
using LlmForge.Backends.Profiling;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Performance;
using Xunit;

namespace LlmForge.Tests.Performance;

/// <summary>
/// The analytic FLOP counts agree with the GEMM FLOPs a profiled model really runs: the matmul part of
/// <see cref="TransformerFlops"/> is exactly what the GEMM kernels count (attention runs in its own fused kernel).
/// </summary>
public class TransformerFlopsTests
{
    private static readonly GptConfig TinyGpt = new()
    {
        VocabSize = 11, ContextLength = 8, EmbeddingDim = 16, Layers = 2, Heads = 2,
        EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
    };

    [Fact]
    public void A_gpt_training_step_multiplies_six_times_its_matmul_weights_per_token()
    {
        var profiled = new ProfilingBackend(TestBackends.Create("Managed"));
        var model = new GptModel(TinyGpt, profiled, seed: 3);
        const int batch = 2, seq = 8;
        var ids = Enumerable.Range(0, batch * seq).Select(i => i * 7 % 11).ToArray();
        var (_, loss) = model.Forward(ids, ids.Reverse().ToArray(), batch, seq);
        loss.Backward();

        var flops = TransformerFlops.Of(TinyGpt);
        Assert.Equal(2 * (2 * 16 * 16 + 2 * 16 * 16 + 2 * 16 * 64) + 11 * 16, flops.MatmulParameters);
        long gemm = TensorKernels.All.Where(k => TensorKernels.Family(k) == KernelFamily.Gemm).Sum(k => profiled.Profile[k].Flops);
        Assert.Equal(6L * flops.MatmulParameters * batch * seq, gemm);
        Assert.Equal(3 * flops.ForwardPerToken(seq), flops.TrainingPerToken(seq));
        Assert.Equal(4.0 * 2 * 16 * (seq + 1) / 2.0, flops.AttentionPerToken(seq)); // causal: (T + 1) / 2 keys per query
    }

    [Fact]
    public void A_bert_encoding_multiplies_twice_its_matmul_weights_per_token()
    {
        var config = new BertConfig
        {
            VocabSize = 13, HiddenSize = 16, Layers = 2, Heads = 2, IntermediateSize = 48, MaxPositions = 8,
            HiddenDropRate = 0, AttentionDropRate = 0,
        };
        var profiled = new ProfilingBackend(TestBackends.Create("Managed"));
        var model = new BertModel(config, profiled, new BertHeads(Pooler: false, MaskedLM: false), seed: 3);
        model.Eval();
        const int batch = 2, seq = 6;
        using (GradMode.NoGrad())
            model.Encode(new BertInput(Enumerable.Range(0, batch * seq).Select(i => i % 13).ToArray(), batch, seq));

        var flops = TransformerFlops.Of(config);
        Assert.Equal(2 * (4 * 16 * 16 + 2 * 16 * 48), flops.MatmulParameters);
        Assert.Equal(2L * flops.MatmulParameters * batch * seq, profiled.Profile[TensorKernel.Gemm].Flops + profiled.Profile[TensorKernel.GemmStridedBatched].Flops);
        Assert.Equal(4.0 * 2 * 16 * seq, flops.AttentionPerToken(seq)); // bidirectional: every key
    }
}
