using LlmForge.Autograd;
using LlmForge.Data;
using LlmForge.Training;
using Xunit;
using static LlmForge.Tests.Training.Instructions.InstructionFixtures;

namespace LlmForge.Tests.Training.Instructions;

/// <summary><see cref="InstructionTuning"/>: what is masked, what is trained, and that training on it learns.</summary>
public class InstructionTuningTests
{
    private static readonly IReadOnlyList<InstructionExample> All = Tasks();

    [Fact]
    public void Targets_are_the_response_and_its_end_of_text_only_and_padding_is_ignored()
    {
        var tokenizer = Tokenizer(All);
        var objective = Objective(Model(tokenizer.VocabSize, TestBackends.Create("Managed")), tokenizer, All, null);
        var shortOne = objective.Encode(All[2]);  // "Give the first letter of the word." cat -> c
        var longOne = objective.Encode(All[0]);   // "Write the word in capital letters." cat -> CAT
        string prompt = PromptTemplates.Alpaca.FormatPrompt(All[2]);
        Assert.Equal(prompt.Length, shortOne.PromptLength);
        Assert.Equal([.. tokenizer.Encode(prompt + "c"), EndOfTextId(tokenizer)], shortOne.Tokens);

        var batch = InstructionBatch.Collate([shortOne, longOne], padId: EndOfTextId(tokenizer));
        int t = batch.SequenceLength;
        Assert.Equal(Math.Max(shortOne.Length, longOne.Length), t);
        // Row 0: positions before PromptLength - 1 predict prompt tokens (ignored); then "c", end-of-text; then padding.
        for (int i = 0; i < t; i++)
        {
            int expected = i < shortOne.PromptLength - 1 || i >= shortOne.Length ? InstructionBatch.IgnoreIndex : shortOne.Tokens[i + 1];
            Assert.Equal(expected, batch.Targets[i]);
            Assert.Equal(i < shortOne.Length ? shortOne.Tokens[i] : EndOfTextId(tokenizer), batch.Inputs[i]);
        }
        Assert.Equal([tokenizer.Encode("c")[0], EndOfTextId(tokenizer)], batch.Targets.Where((v, i) => i < t && v != InstructionBatch.IgnoreIndex));
        Assert.Equal(2 + 4, batch.TrainedTokens); // "c" + eot, "CAT" + eot
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void The_loss_is_the_mean_over_response_tokens_and_prompt_logits_get_no_gradient(string backendName)
    {
        var tokenizer = Tokenizer(All);
        var model = Model(tokenizer.VocabSize, TestBackends.Create(backendName));
        var objective = Objective(model, tokenizer, All, null);
        var batch = InstructionBatch.Collate([objective.Encode(All[2]), objective.Encode(All[37]), objective.Encode(All[0])], objective.EndOfTextId);
        int b = batch.BatchSize, t = batch.SequenceLength, v = tokenizer.VocabSize;

        // The logits as a leaf: the gradient of the objective's loss with respect to each position's logits.
        var logits = Tensor.Parameter(model.Forward(batch.Inputs, b, t).Detach());
        var loss = logits.CrossEntropy(batch.Targets, InstructionBatch.IgnoreIndex);
        loss.Backward();
        double reference = 0;
        int trained = 0;
        for (int p = 0; p < b * t; p++)
        {
            var row = logits.Data.AsSpan(p * v, v);
            var grad = logits.Grad!.AsSpan(p * v, v);
            if (batch.Targets[p] == InstructionBatch.IgnoreIndex)
            {
                foreach (float g in grad) Assert.Equal(0f, g); // prompt and padding positions: no gradient at all
                continue;
            }
            double max = double.NegativeInfinity, sum = 0;
            foreach (float x in row) max = Math.Max(max, x);
            foreach (float x in row) sum += Math.Exp(x - max);
            reference += max + Math.Log(sum) - row[batch.Targets[p]];
            trained++;
            double norm = 0;
            foreach (float g in grad) norm += Math.Abs(g);
            Assert.True(norm > 1e-6, $"position {p} is trained but has no gradient");
        }
        reference /= trained;
        Assert.Equal(batch.TrainedTokens, trained);
        Assert.True(Math.Abs(loss.Item() - reference) <= 1e-5, $"loss {loss.Item()} vs reference {reference}");
        // The training loss (LM head and cross-entropy fused) is the same number.
        float fused = model.Loss(batch.Inputs, batch.Targets, b, t, InstructionBatch.IgnoreIndex).Item();
        Assert.True(Math.Abs(fused - reference) <= 1e-4, $"fused loss {fused} vs reference {reference}");
    }

    [Fact]
    public void Padding_a_row_changes_nothing_and_batch_losses_weigh_by_response_tokens()
    {
        var tokenizer = Tokenizer(All);
        var model = Model(tokenizer.VocabSize, TestBackends.Create("Managed"));
        var objective = Objective(model, tokenizer, All, null);
        var shortOne = objective.Encode(All[37]); // "Count from one to three." — no input, the shortest prompt
        var longOne = objective.Encode(All[0]);
        float Loss(InstructionBatch batch) => model.Loss(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength).Item();
        var alone = InstructionBatch.Collate([shortOne], objective.EndOfTextId);
        var other = InstructionBatch.Collate([longOne], objective.EndOfTextId);
        var together = InstructionBatch.Collate([shortOne, longOne], objective.EndOfTextId);
        Assert.True(together.SequenceLength > alone.SequenceLength, "the short row is padded in the pair");
        double expected = (Loss(alone) * alone.TrainedTokens + Loss(other) * other.TrainedTokens) / (alone.TrainedTokens + other.TrainedTokens);
        Assert.True(Math.Abs(Loss(together) - expected) <= 1e-5, $"{Loss(together)} vs {expected}");
        // Padding with another id gives the same loss: pads are never attended to by earlier positions nor scored.
        var otherPad = InstructionBatch.Collate([shortOne, longOne], padId: 0);
        Assert.True(Math.Abs(Loss(together) - Loss(otherPad)) <= 1e-6, "the pad id changes the loss");
    }

    [Fact]
    public void Batches_group_similar_lengths_and_an_epoch_visits_every_example_once()
    {
        var tokenizer = Tokenizer(All);
        var objective = Objective(Model(tokenizer.VocabSize, TestBackends.Create("Managed")), tokenizer, All, null, batchSize: 4);
        int[] lengths = [.. objective.TrainExamples.Select(e => e.Length)];
        var epoch = LengthBatching.ByLength(lengths, 4, objective.Seed, 0);
        Assert.Equal(Enumerable.Range(0, All.Count), epoch.SelectMany(b => b).Order());
        Assert.Equal(epoch, LengthBatching.ByLength(lengths, 4, objective.Seed, 0));
        Assert.NotEqual(epoch, LengthBatching.ByLength(lengths, 4, objective.Seed, 1));
        // Sorted by length: padding is at most what the longest and shortest row of a batch differ by, far below a random batch's.
        int Padding(IEnumerable<int[]> batches) => batches.Sum(b => b.Sum(i => b.Max(j => lengths[j]) - lengths[i]));
        var random = All.Select((_, i) => i).Chunk(4);
        Assert.True(Padding(epoch) < Padding(random) / 2, $"{Padding(epoch)} padded positions vs {Padding(random)} in file order");
    }

    [Fact]
    public void A_prompt_that_fills_the_context_is_named_by_its_line()
    {
        var tokenizer = Tokenizer(All);
        var e = Assert.Throws<ArgumentException>(() => Objective(Model(tokenizer.VocabSize, TestBackends.Create("Managed"), context: 64), tokenizer, All, null));
        Assert.Contains("line 1: the prompt has", e.Message);
    }

    [Fact]
    public void Training_a_few_steps_lowers_the_loss()
    {
        var tokenizer = Tokenizer(All);
        var (train, validation) = ShuffledSplit.Split(All, 0.2, seed: 5);
        // The short Phi-3 prompt and a 64-token context keep the steps cheap.
        var objective = Objective(Model(tokenizer.VocabSize, TestBackends.Create("Managed"), context: 64, width: 32), tokenizer, train, validation,
            batchSize: 8, template: PromptTemplates.Phi3);
        var trainer = new Trainer(objective, new TrainingOptions
        {
            MaxSteps = 24, LearningRate = 2e-2f, WarmupSteps = 0, EvalInterval = 24, EvalBatches = objective.EvaluationBatches, LogInterval = 24,
        });
        double trainBefore = trainer.Evaluate(TrainingStream.TrainEvaluation), validationBefore = trainer.Evaluate(TrainingStream.Validation);
        var result = trainer.Train(TextWriter.Null, TextWriter.Null);
        // The training responses are learned; the held-out ones (other words, other tasks) improve less but do improve.
        Assert.True(result.TrainLoss < trainBefore * 0.8, $"train loss {trainBefore:F3} -> {result.TrainLoss:F3}");
        Assert.True(result.ValidationLoss < validationBefore, $"val loss {validationBefore:F3} -> {result.ValidationLoss:F3}");
    }
}
