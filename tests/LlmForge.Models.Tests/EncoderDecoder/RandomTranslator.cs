using System.Numerics.Tensors;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.EncoderDecoder;
using LlmForge.Tokenization;

namespace LlmForge.Tests.EncoderDecoder;

/// <summary>
/// Tiny random-weight translators with real tokenizers, for the translate tests: the opus-mt-like SentencePiece
/// directory of Fixtures/translation/opus-mt-tiny (400 ids), or a byte-level BPE learned from Fixtures/translation/pairs.tsv.
/// The shared embedding has rows of norm 1 and eos a logit bias, so translations differ and end at different lengths.
/// </summary>
internal static class RandomTranslator
{
    /// <summary>"marian" (source.spm + target.spm + vocab.json) or "bpe" (vocab.json + merges.txt).</summary>
    public static ITranslationTokenizer Tokenizer(string kind) => kind switch
    {
        "marian" => MarianTokenizer.FromDirectory(FixturePath.Of("translation", "opus-mt-tiny")),
        "bpe" => SharedBpeTranslationTokenizer.Learn(TranslationPairsFile.Read(FixturePath.Of("translation", "pairs.tsv")), vocabSize: 300),
        _ => throw new ArgumentException($"RandomTranslator: unknown tokenizer kind '{kind}'.", nameof(kind)),
    };

    /// <summary>A random model (d_model 16, 1 + 2 layers) of <paramref name="tokenizer"/>'s ids, eos and pad.</summary>
    public static EncoderDecoderModel Model(ITranslationTokenizer tokenizer, ITensorBackend backend)
    {
        var config = new EncoderDecoderConfig
        {
            VocabSize = tokenizer.VocabSize, ModelDim = 16, EncoderLayers = 1, DecoderLayers = 2, EncoderHeads = 2, DecoderHeads = 2,
            EncoderFfnDim = 32, DecoderFfnDim = 32, MaxPositions = 64, PadTokenId = tokenizer.PadId,
            DecoderStartTokenId = tokenizer.DecoderStartId, EosTokenId = tokenizer.EosId, DropRate = 0, InitStd = 0.5f,
        };
        var model = new EncoderDecoderModel(config, backend, seed: 3);
        Vary(model, eosBias: 2.5f);
        return model;
    }

    /// <summary>
    /// Rows of norm 1 in the shared embedding (the tied logits stay moderate, so beams differ instead of one token
    /// winning everywhere) and <paramref name="eosBias"/> on eos's logit (translations end, at different lengths).
    /// </summary>
    public static void Vary(EncoderDecoderModel model, float eosBias)
    {
        var config = model.Config;
        var shared = model.Shared.Weight.Data; // [V, C]
        for (int row = 0; row < config.VocabSize; row++)
        {
            var r = shared.AsSpan(row * config.ModelDim, config.ModelDim);
            float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(r));
            if (norm > 0) TensorPrimitives.Divide(r, norm, r);
        }
        model.FinalLogitsBias.Data[config.EosTokenId] = eosBias;
    }

    /// <summary>Writes a model directory (config.json, model.safetensors, the tokenizer's files) into <paramref name="directory"/>.</summary>
    public static string WriteDirectory(string directory, string kind, ITensorBackend backend)
    {
        var tokenizer = Tokenizer(kind);
        MarianCheckpoint.Save(Model(tokenizer, backend), directory);
        tokenizer.Save(directory);
        return directory;
    }
}
