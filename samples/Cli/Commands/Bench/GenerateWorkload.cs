using LlmForge.Backends;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Generation;
using LlmForge.Layers;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// A "generate" workload: one timed run processes a random prompt and greedily decodes new_tokens tokens
/// (no stop token, so every run makes exactly new_tokens), with the best generation method LlmForge has.
/// </summary>
internal static class GenerateWorkload
{
    /// <summary>
    /// The method benchmarked: <see cref="TextGenerator"/> with its KV cache (a prefill over the prompt, then one
    /// token per step against the cached keys and values of every layer; the LM head on the last position only).
    /// </summary>
    public const string Method = "TextGenerator with KV cache (prefill + one-token steps)";

    /// <param name="weightBytes">Bytes of weights one decoding step reads (<see cref="ReadBandwidth.WeightBytesPerToken"/>).</param>
    public static Action Prepare(Workload workload, ITensorBackend backend, WeightFormat weights, Action<string> progress, out long weightBytes)
    {
        var model = GptWorkloadModel.Create(workload.Model, backend);
        model.Eval();
        progress($"{workload.Model.Architecture} with {model.ParameterCount():N0} parameters; method: {Method}");
        WorkloadBenchmark.UseWeights(model, weights, progress);
        weightBytes = ReadBandwidth.WeightBytesPerToken(model);
        progress($"weights read per token {weightBytes / 1e6:F1} MB");
        var generator = new TextGenerator(model.AsLanguageModel(), SamplingOptions.Greedy, stopTokenId: null) { UseKvCache = true };
        int[] prompt = GptWorkloadModel.RandomIds(new Random(GptWorkloadModel.Seed), workload.PromptTokens, workload.Model.VocabSize);
        int newTokens = workload.NewTokens;
        return () =>
        {
            int made = 0;
            foreach (int _ in generator.Generate(prompt, newTokens)) made++;
            if (made != newTokens)
                throw new InvalidOperationException($"{workload.Name}: generated {made} tokens instead of {newTokens}");
        };
    }
}
