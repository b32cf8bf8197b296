using LlmForge.Gpt;

namespace LlmForge.Tests.Gpt;

/// <summary>Models with a learned sink token built from a fixture's weights (the sink token tests, the CLI's).</summary>
internal static class SinkTokenModels
{
    /// <summary>The rotary fixture with a sink token: its weights, and a sink vector of seeded values in [−1, 1).</summary>
    public static GptModel WithSinkToken(GptModel model, int seed = 5)
    {
        var twin = new GptModel(model.Config with { SinkToken = true }, model.Backend);
        var source = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in twin.NamedParameters())
            if (source.TryGetValue(name, out var weights)) weights.Data.CopyTo(parameter.Data, 0);
        var rng = new Random(seed);
        var sink = twin.SinkEmbedding!.Weight.Data;
        for (int i = 0; i < sink.Length; i++) sink[i] = (float)(2 * rng.NextDouble() - 1);
        twin.Eval();
        return twin;
    }
}
