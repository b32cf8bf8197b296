using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.EncoderDecoder;
using LlmForge.Tokenization;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>The <see cref="SequenceToSequence"/> objective: teacher-forced loss with padding ignored, learning, streams, scores.</summary>
public class SequenceToSequenceTests
{
    private static readonly IReadOnlyList<TranslationPair> Pairs = TranslationPairsFile.Read(FixturePath.Of("translation", "pairs.tsv"));
    private static readonly SharedBpeTranslationTokenizer Tokenizer = SharedBpeTranslationTokenizer.Learn(Pairs, 320);

    private static EncoderDecoderModel Model(int seed = 3) => new(new EncoderDecoderConfig
    {
        VocabSize = Tokenizer.VocabSize, ModelDim = 32, EncoderLayers = 1, DecoderLayers = 1, EncoderHeads = 2, DecoderHeads = 2,
        EncoderFfnDim = 64, DecoderFfnDim = 64, MaxPositions = 48, PadTokenId = Tokenizer.PadId, DecoderStartTokenId = Tokenizer.DecoderStartId,
        EosTokenId = Tokenizer.EosId, NormPosition = LayerNormPosition.Pre, DropRate = 0, AttentionDropRate = 0, InitStd = 0.05f,
    }, TestBackends.Create("Managed"), seed);

    private static Seq2SeqExample[] Examples(IEnumerable<TranslationPair> pairs) => [.. pairs.Select(p => Seq2SeqExample.Encode(p, Tokenizer, 40, 40))];

    private static SequenceToSequence Objective(EncoderDecoderModel model, int seed = 1, float smoothing = 0.1f, int scored = 0)
    {
        var (train, validation) = TranslationSplit.Split(Pairs, 0.15);
        return new SequenceToSequence(model, Tokenizer, Examples(train), Examples(validation), [.. validation.Take(scored)], batchSize: 8, seed, smoothing);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public void Padded_label_positions_contribute_nothing(float smoothing)
    {
        var model = Model();
        model.Eval();
        var examples = Examples(Pairs.Take(40)).OrderBy(e => e.TargetIds.Length).ToArray();
        var (shortOne, longOne) = (examples[0], examples[^1]);
        Assert.True(longOne.TargetIds.Length > shortOne.TargetIds.Length + 2, "the fixture needs targets of different lengths");
        double Loss(params Seq2SeqExample[] rows)
        {
            var batch = new Seq2SeqBatch(rows, Tokenizer.PadId, Tokenizer.DecoderStartId);
            return SequenceToSequence.Loss(model, batch, smoothing).Item();
        }
        // the padded batch's loss is the token-weighted mean of each row alone: its padding adds no term and no count
        double alone = (Loss(shortOne) * shortOne.TargetIds.Length + Loss(longOne) * longOne.TargetIds.Length)
                       / (shortOne.TargetIds.Length + longOne.TargetIds.Length);
        double together = Loss(shortOne, longOne);
        Assert.True(Math.Abs(together - alone) <= 1e-5, $"padded batch {together} vs rows alone {alone}");

        // and no gradient flows from a padded position: whatever the decoder reads there, the gradients are the same
        float[] Gradients(int padInput)
        {
            var batch = new Seq2SeqBatch([shortOne, longOne], Tokenizer.PadId, Tokenizer.DecoderStartId);
            for (int t = shortOne.TargetIds.Length; t < batch.TargetLength; t++) batch.DecoderInputIds[t] = padInput; // row 0's padding
            foreach (var (_, p) in model.NamedParameters()) p.ZeroGrad();
            SequenceToSequence.Loss(model, batch, smoothing).Backward();
            return [.. model.NamedParameters().SelectMany(p => p.Parameter.Grad!)];
        }
        var a = Gradients(Tokenizer.PadId);
        var b = Gradients(7);
        Assert.Equal(a.Length, b.Length);
        double worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst <= 1e-6, $"gradients differ by {worst} when only padded decoder inputs change");
    }

    [Fact]
    public void A_tiny_translator_learns_the_fixture_pairs()
    {
        var objective = Objective(Model(), smoothing: 0.1f);
        var trainer = new Trainer(objective, new TrainingOptions
        {
            MaxSteps = 40, BatchSize = 8, LearningRate = 3e-3f, MinLearningRate = 3e-4f, WarmupSteps = 4, WeightDecay = 0.01f,
            EvalInterval = 40, EvalBatches = 4, LogInterval = 40,
        });
        double before = trainer.Evaluate(TrainingStream.TrainEvaluation);
        var result = trainer.Train(TextWriter.Null, TextWriter.Null);
        double after = trainer.Evaluate(TrainingStream.TrainEvaluation);
        Assert.True(after < before - 1.0, $"training loss {before:F3} -> {after:F3}");
        Assert.True(double.IsFinite(result.ValidationLoss) && result.ValidationLoss < before, $"validation loss {result.ValidationLoss:F3}, start {before:F3}");
    }

    [Fact]
    public void Evaluations_score_the_same_batches_and_weigh_them_by_label_tokens()
    {
        var objective = Objective(Model());
        using var noGrad = GradMode.NoGrad();
        objective.Model.Eval();
        double[] Run()
        {
            objective.BeginEvaluation(TrainingStream.Validation);
            return [.. Enumerable.Range(0, 3).Select(_ => objective.NextLoss(TrainingStream.Validation)).Select(l => l.Loss.Item() * 1000 + l.Weight)];
        }
        Assert.Equal(Run(), Run());
        objective.BeginEvaluation(TrainingStream.TrainEvaluation);
        var loss = objective.NextLoss(TrainingStream.TrainEvaluation);
        Assert.True(loss.Weight >= 8, "weight: the batch's label tokens (8 pairs, an eos each at least)");
    }

    [Fact]
    public void A_restored_training_stream_draws_the_batches_the_first_would_have()
    {
        var model = Model();
        model.Eval();
        var first = Objective(model, seed: 5);
        var second = Objective(model, seed: 5);
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < 17; i++) first.NextLoss(TrainingStream.Train); // into the second epoch (15 batches each)
            second.RestoreStreams(first.CaptureStreams(), "s.json");
            for (int i = 0; i < 5; i++)
                Assert.Equal(first.NextLoss(TrainingStream.Train).Loss.Item(), second.NextLoss(TrainingStream.Train).Loss.Item());
        }
        var other = Objective(model, seed: 6);
        var e = Assert.Throws<CheckpointFormatException>(() => other.RestoreStreams(first.CaptureStreams(), "s.json"));
        Assert.Contains("key \"samplers.train.seed\" is 5 but this run's seed is 6", e.Message);
    }

    [Fact]
    public void Scores_are_bleu_and_chrf_of_the_greedy_translations()
    {
        var objective = Objective(Model(), scored: 5);
        objective.Model.Eval();
        using var noGrad = GradMode.NoGrad();
        var scores = objective.Score();
        Assert.Equal(["bleu", "chrf"], scores.Select(s => s.Name));
        Assert.All(scores, s => Assert.True(s.Value >= 0 && s.Value <= 100, $"{s.Name} {s.Value}"));
        Assert.Equal(5, objective.LastScores!.Translations.Count);
        Assert.Equal(objective.LastScores.ChrF, scores[1].Value);
        Assert.Empty(Objective(Model()).Score()); // nothing to translate: no scores
    }
}
