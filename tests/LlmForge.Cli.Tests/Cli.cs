using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Cli;
using LlmForge.Gpt;
using LlmForge.Tests.Tokenization;

namespace LlmForge.Tests.Cli;

/// <summary>Runs the <c>llmforge</c> command line in-process with captured output.</summary>
internal static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The CLI's --backend value for a test backend name ("Managed" → "managed").</summary>
    public static string BackendFlag(string testBackend) => testBackend.ToLowerInvariant();

    /// <summary>
    /// A fresh GPT-2-layout directory: a tiny random model (vocab 50257, n_embd 8, 1 layer) saved by
    /// Gpt2Checkpoint plus GPT-2's real tokenizer files. With <paramref name="endOfTextFirst"/> the head is rigged so
    /// that greedy decoding always picks &lt;|endoftext|&gt; (see <see cref="AlwaysPick"/>); with
    /// <paramref name="alwaysPicks"/>, that id instead.
    /// </summary>
    public static string WriteGpt2TinyDirectory(string directory, bool endOfTextFirst = false, int? alwaysPicks = null)
    {
        var model = TinyModel(vocab: 50257);
        if (endOfTextFirst) alwaysPicks = 50256;
        if (alwaysPicks is int id) AlwaysPick(model, id);
        Gpt2Checkpoint.Save(model, directory);
        foreach (var file in new[] { "encoder.json", "vocab.bpe" })
            File.Copy(Path.Combine(Gpt2Vocabulary.Directory(), file), Path.Combine(directory, file));
        return directory;
    }

    /// <summary>A tiny random GPT-2 (n_embd 8, 1 layer, context 32) with <paramref name="vocab"/> ids.</summary>
    public static GptModel TinyModel(int vocab)
    {
        var config = new GptConfig
        {
            VocabSize = vocab, ContextLength = 32, EmbeddingDim = 8, Layers = 1, Heads = 2, TieWeights = false,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
        };
        return new GptModel(config, new ManagedBackend(), seed: 7);
    }

    /// <summary>
    /// Rigs the head so that greedy decoding always picks <paramref name="id"/>: final_norm outputs a constant s
    /// (scale 0, shift s) and out_head's row <paramref name="id"/> is 10·s, so that logit is far above every other.
    /// </summary>
    public static void AlwaysPick(GptModel model, int id)
    {
        int width = model.Config.EmbeddingDim;
        float[] scale = model.GetParameter("final_norm.scale").Data, shift = model.GetParameter("final_norm.shift").Data;
        float[] head = model.GetParameter("out_head.weight").Data; // [vocab, C]
        for (int c = 0; c < width; c++)
        {
            scale[c] = 0;
            shift[c] = c % 2 == 0 ? 1 : -1;
            head[id * width + c] = 10 * shift[c];
        }
    }
}
