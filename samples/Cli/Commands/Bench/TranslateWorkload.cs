using LlmForge.Backends;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.EncoderDecoder;
using LlmForge.Layers;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// A "translate" workload: one timed run encodes a batch of random sources (seq_len tokens each, eos last) and
/// beam-searches new_tokens tokens for each (<see cref="BeamSearch"/>: num_beams beams, KV cache, cross-attention keys
/// and values projected once per source). eos is made unreachable (its final_logits_bias −1e9), so every source decodes
/// exactly new_tokens tokens, as generate's workloads ignore the stop token.
/// </summary>
internal static class TranslateWorkload
{
    public const int Seed = 1234;

    /// <summary>MarianMT's architecture (post-LN, SiLU, sinusoids, shared embeddings; opus-mt's ids: eos 0, pad last) at the workload's sizes.</summary>
    public static EncoderDecoderConfig Config(WorkloadModel model) => new()
    {
        VocabSize = model.VocabSize, ModelDim = model.EmbeddingDim, EncoderLayers = model.Layers, DecoderLayers = model.Layers,
        EncoderHeads = model.Heads, DecoderHeads = model.Heads, EncoderFfnDim = model.InnerDim, DecoderFfnDim = model.InnerDim,
        MaxPositions = model.ContextLength, PadTokenId = model.VocabSize - 1, DecoderStartTokenId = model.VocabSize - 1, EosTokenId = 0,
        DropRate = model.DropRate, AttentionDropRate = model.DropRate,
    };

    public static Action Prepare(Workload workload, ITensorBackend backend, WeightFormat weights, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(progress);
        var config = Config(workload.Model);
        var model = new EncoderDecoderModel(config, backend, Seed);
        model.Eval();
        model.FinalLogitsBias.Data[config.EosTokenId] = -1e9f; // never chosen: every source decodes new_tokens tokens
        progress($"marian encoder-decoder with {model.ParameterCount():N0} parameters; method: BeamSearch, {workload.NumBeams} beams, KV cache");
        WorkloadBenchmark.UseWeights(model, weights, progress);
        int batch = workload.BatchSize, seq = workload.SeqLen, newTokens = workload.NewTokens;
        var random = new Random(Seed);
        var ids = new int[batch * seq];
        for (int i = 0; i < ids.Length; i++) ids[i] = (i + 1) % seq == 0 ? config.EosTokenId : random.Next(1, config.VocabSize - 1);
        var options = new BeamSearchOptions { NumBeams = workload.NumBeams, MaxNewTokens = newTokens };
        return () =>
        {
            var result = BeamSearch.Generate(model, ids, batch, seq, attentionMask: null, options);
            if (result.Sequences.Any(s => s.Length != newTokens + 1))
                throw new InvalidOperationException($"{workload.Name}: a translation is not {newTokens} tokens long");
        };
    }
}
