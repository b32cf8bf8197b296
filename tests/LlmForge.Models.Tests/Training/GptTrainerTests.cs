using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Randomness;
using LlmForge.Gpt;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>The <see cref="Trainer"/>'s step with the <see cref="CausalLanguageModeling"/> objective.</summary>
public class GptTrainerTests
{
    private static readonly GptConfig Tiny = new()
    {
        VocabSize = 11, ContextLength = 8, EmbeddingDim = 16, Layers = 2, Heads = 2,
        EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0, TieWeights = false, QkvBias = false,
    };

    private static TrainingOptions Options(string optimizer, int accumulation) => new()
    {
        Optimizer = optimizer, Momentum = 0.9f, GradientAccumulationSteps = accumulation, MaxSteps = 10, WarmupSteps = 0,
        LearningRate = 0.05f, GradientClip = 1f, EvalBatches = 2,
    };

    private static TokenBatch Batch(int rows, int seed)
    {
        var batch = new TokenBatch(rows, Tiny.ContextLength);
        var rng = new SplitMix64((ulong)seed);
        for (int i = 0; i < batch.Inputs.Length; i++) { batch.Inputs[i] = rng.NextInt(11); batch.Targets[i] = rng.NextInt(11); }
        return batch;
    }

    private static TokenBatch Rows(TokenBatch source, int first, int count)
    {
        var part = new TokenBatch(count, source.SequenceLength);
        source.Inputs.AsSpan(first * source.SequenceLength, part.Inputs.Length).CopyTo(part.Inputs);
        source.Targets.AsSpan(first * source.SequenceLength, part.Targets.Length).CopyTo(part.Targets);
        return part;
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Two_accumulated_micro_batches_equal_one_batch_of_twice_the_rows(string backendName)
    {
        var big = Batch(rows: 6, seed: 5);
        var whole = GptTrainers.Over(new GptModel(Tiny, TestBackends.Create(backendName), seed: 2), Options("sgd", 1), new GptTrainers.Fixed(big));
        var split = GptTrainers.Over(new GptModel(Tiny, TestBackends.Create(backendName), seed: 2), Options("sgd", 2),
            new GptTrainers.Fixed(Rows(big, 0, 3), Rows(big, 3, 3)));

        var (lossWhole, tokensWhole) = whole.AccumulateGradients();
        var (lossSplit, tokensSplit) = split.AccumulateGradients();

        Assert.Equal(tokensWhole, tokensSplit);
        Assert.Equal(lossWhole, lossSplit, 1e-5);
        var a = whole.Model.NamedParameters().ToList();
        var b = split.Model.NamedParameters().ToList();
        for (int p = 0; p < a.Count; p++)
            for (int i = 0; i < a[p].Parameter.Length; i++)
                Assert.True(Math.Abs(a[p].Parameter.Grad![i] - b[p].Parameter.Grad![i]) < 1e-6, $"{a[p].Name}[{i}] gradient");

        whole.ApplyUpdate();
        split.ApplyUpdate();
        for (int p = 0; p < a.Count; p++)
            for (int i = 0; i < a[p].Parameter.Length; i++)
                Assert.True(Math.Abs(a[p].Parameter.Data[i] - b[p].Parameter.Data[i]) < 1e-6, $"{a[p].Name}[{i}] weight");
    }

    public static TheoryData<string, bool, int> FusedLossCases => new()
    {
        { "Managed", false, 3 }, { "Managed", true, 3 }, { "Managed", true, 1 }, { "Mkl", false, 1 }, { "Mkl", true, 3 },
    };

    /// <summary>
    /// The trainer's loss is the fused LM head + cross-entropy (GptModel.Loss); three steps with it give the weights of
    /// steps whose gradients come from the full logits and F.CrossEntropy, to float rounding. Rows × T = 24 ≥ C
    /// precomputes the head's gradients in forward, 8 &lt; C computes them in backward; tied and untied heads. SGD, not
    /// AdamW: AdamW divides by √v, so on a near-zero gradient (W_key's first steps) rounding noise moves a weight by ~lr.
    /// </summary>
    [Theory, MemberData(nameof(FusedLossCases))]
    public void Steps_with_the_fused_loss_give_the_weights_of_the_unfused_loss(string backendName, bool tied, int rows)
    {
        var config = Tiny with { TieWeights = tied };
        var options = Options("sgd", accumulation: 2);
        var fused = GptTrainers.Over(new GptModel(config, TestBackends.Create(backendName), seed: 6), options, new Batches(rows));
        var unfused = GptTrainers.Over(new GptModel(config, TestBackends.Create(backendName), seed: 6), options, new Batches(rows));
        var again = new Batches(rows);
        for (int step = 0; step < 3; step++)
        {
            var (fusedLoss, _, _) = fused.TrainStep();
            unfused.Optimizer.ZeroGrad();
            double unfusedLoss = 0;
            for (int micro = 0; micro < 2; micro++)
            {
                var batch = again.NextBatch();
                var (_, loss) = unfused.Gpt().Forward(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength);
                unfusedLoss += loss.Item() / 2;
                (loss * 0.5f).Backward();
            }
            unfused.ApplyUpdate();
            Assert.Equal(unfusedLoss, fusedLoss, 1e-5);
        }
        var a = unfused.Model.NamedParameters().ToList();
        var b = fused.Model.NamedParameters().ToList();
        for (int p = 0; p < a.Count; p++)
            for (int i = 0; i < a[p].Parameter.Length; i++)
                Assert.True(Math.Abs(a[p].Parameter.Data[i] - b[p].Parameter.Data[i]) < 1e-5, $"{a[p].Name}[{i}] weight");
    }

    /// <summary>(position embedding, normalization, sliding window) of the shapes the arena test trains.</summary>
    public static TheoryData<string, PositionEmbeddingType, NormalizationType, int?> ArenaCases => new()
    {
        { "Managed", PositionEmbeddingType.Absolute, NormalizationType.LayerNorm, null },
        { "Managed", PositionEmbeddingType.Rotary, NormalizationType.RmsNorm, 4 },
        { "Managed", PositionEmbeddingType.Sinusoidal, NormalizationType.LayerNorm, null },
        { "Mkl", PositionEmbeddingType.Absolute, NormalizationType.LayerNorm, null },
        { "Mkl", PositionEmbeddingType.Rotary, NormalizationType.RmsNorm, 4 },
    };

    /// <summary>
    /// Trainer.TrainStep runs in a TensorArena step; plain AccumulateGradients + ApplyUpdate (no arena) over the same batches must
    /// give the same weights bit for bit, with dropout on: nothing a step keeps may live in a pooled buffer.
    /// </summary>
    [Theory, MemberData(nameof(ArenaCases))]
    public void TrainStep_in_the_arena_gives_the_weights_of_steps_without_it(string backendName, PositionEmbeddingType positions,
        NormalizationType norm, int? window)
    {
        var config = Tiny with
        {
            EmbeddingDropRate = 0.1f, AttentionDropRate = 0.1f, ResidualDropRate = 0.1f,
            PositionEmbedding = positions, Normalization = norm, SlidingWindow = window,
        };
        var options = Options("adamw", accumulation: 2);
        var pooled = GptTrainers.Over(new GptModel(config, TestBackends.Create(backendName), seed: 4), options, new Batches(rows: 3), new Batches(rows: 2));
        var plain = GptTrainers.Over(new GptModel(config, TestBackends.Create(backendName), seed: 4), options, new Batches(rows: 3), new Batches(rows: 2));
        for (int step = 0; step < 3; step++)
        {
            var (pooledLoss, _, _) = pooled.TrainStep();
            var (plainLoss, _) = plain.AccumulateGradients();
            plain.ApplyUpdate();
            Assert.Equal(plainLoss, pooledLoss);
        }
        Assert.Equal(plain.Evaluate(TrainingStream.Validation), pooled.Evaluate(TrainingStream.Validation));
        var a = plain.Model.NamedParameters().ToList();
        var b = pooled.Model.NamedParameters().ToList();
        for (int p = 0; p < a.Count; p++)
            Assert.True(a[p].Parameter.Data.AsSpan().SequenceEqual(b[p].Parameter.Data), $"{a[p].Name} differs");
    }

    /// <summary>Random batches of <see cref="Tiny"/>'s vocabulary, the same sequence for every instance; reuses its batch as sources do.</summary>
    private sealed class Batches(int rows) : ITokenBatchSource
    {
        private int _drawn;

        public TokenBatch NextBatch()
        {
            var fresh = Batch(rows, seed: 100 + _drawn++);
            fresh.Inputs.CopyTo(_batch.Inputs, 0);
            fresh.Targets.CopyTo(_batch.Targets, 0);
            return _batch;
        }

        private readonly TokenBatch _batch = new(rows, Tiny.ContextLength);
    }
}
