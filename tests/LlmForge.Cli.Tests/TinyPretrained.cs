using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Tokenization;

namespace LlmForge.Tests.Cli;

/// <summary>The tiny "pretrained" GPT directory the --init-from tests start from, saved in a test's scratch folder.</summary>
internal static class TinyPretrained
{
    /// <summary>The instruction fixture (39 Alpaca-style examples).</summary>
    public static string Tasks => Path.Combine(AppContext.BaseDirectory, "Fixtures", "instructions", "tasks.jsonl");

    /// <summary>A tiny GPT (context 160, enough for the Alpaca prompts) with a 300-id BPE that has &lt;|endoftext|&gt;; made once per scratch folder.</summary>
    public static string In(TrainScratch dir)
    {
        string path = dir.File("pretrained");
        if (Directory.Exists(path)) return path;
        var tokenizer = BpeTrainer.Train(File.ReadAllText(Tasks) + File.ReadAllText(dir.Corpus()), new BpeTrainerOptions { VocabSize = 300 });
        var model = new GptModel(new GptConfig
        {
            VocabSize = tokenizer.VocabSize, ContextLength = 160, EmbeddingDim = 16, Layers = 1, Heads = 2, TieWeights = false,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
        }, new ManagedBackend(), seed: 3);
        Gpt2Checkpoint.Save(model, path);
        tokenizer.Save(path);
        return path;
    }
}
