using LlmForge.Backends;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Generation;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// A "generate" workload: one timed run processes a random prompt and greedily decodes new_tokens tokens
/// (no stop token, so every run makes exactly new_tokens), with the best generation method LlmForge has.
/// </summary>
internal static class GenerateWorkload
{
    /// <summary>
    /// The method benchmarked. Today that is <see cref="TextGenerator"/>, which recomputes the whole context for
    /// every token; when a KV-cache generator lands, it replaces this one line and the workload measures it.
    /// </summary>
    public const string Method = "TextGenerator (full recompute per token, no KV cache)";

    public static Action Prepare(Workload workload, ITensorBackend backend, Action<string> progress)
    {
        var model = GptWorkloadModel.Create(workload.Model, backend);
        model.Eval();
        progress($"gpt with {model.ParameterCount():N0} parameters; method: {Method}");
        var generator = new TextGenerator(model.AsLanguageModel(), SamplingOptions.Greedy, stopTokenId: null);
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
