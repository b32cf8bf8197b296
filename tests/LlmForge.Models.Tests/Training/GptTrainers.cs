using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Training;

namespace LlmForge.Tests.Training;

/// <summary>A <see cref="Trainer"/> of a GPT whose streams are test sources, and a source of fixed batches.</summary>
internal static class GptTrainers
{
    /// <summary>Next-token training of <paramref name="model"/> on <paramref name="train"/>; evaluations read <paramref name="evaluation"/> (default: the same).</summary>
    public static Trainer Over(GptModel model, TrainingOptions options, ITokenBatchSource train, ITokenBatchSource? evaluation = null) =>
        new(new CausalLanguageModeling(model, train, evaluation ?? train, evaluation ?? train), options);

    /// <summary>The trainer's GPT.</summary>
    public static GptModel Gpt(this Trainer trainer) => (GptModel)trainer.Model;

    /// <summary>The given batches in turn, then again from the first.</summary>
    public sealed class Fixed(params TokenBatch[] batches) : ITokenBatchSource
    {
        private int _next;

        public TokenBatch NextBatch() => batches[_next++ % batches.Length];
    }
}
