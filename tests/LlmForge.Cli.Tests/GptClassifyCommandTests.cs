using System.Globalization;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Tokenization;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Cli;

public class GptClassifyCommandTests
{
    /// <summary>A tiny GPT directory (config.json, model.safetensors, a char tokenizer), as train would save it.</summary>
    private static string GptDirectory(TempDirectory temp)
    {
        string dir = System.IO.Path.Combine(temp.Path, "gpt");
        var tokenizer = CharTokenizer.FromCorpus("abcdefghijklmnopqrstuvwxyz .\n");
        var model = new GptModel(new GptConfig
        {
            VocabSize = tokenizer.VocabSize, ContextLength = 48, EmbeddingDim = 16, Layers = 1, Heads = 2, InitializerRange = 0.1f,
        }, new ManagedBackend(), seed: 1);
        Gpt2Checkpoint.Save(model, dir);
        tokenizer.Save(dir);
        return dir;
    }

    private static void WriteTask(string path, int count, int seed)
    {
        var rng = new Random(seed);
        string[] filler = ["the", "day", "was", "a", "night", "and", "it", "is"];
        File.WriteAllLines(path, ["text\tlabel", .. Enumerable.Range(0, count).Select(_ =>
        {
            bool spam = rng.Next(2) == 0;
            var words = Enumerable.Range(0, 2 + rng.Next(3)).Select(_ => filler[rng.Next(filler.Length)]).ToList();
            words.Add(spam ? "win cash" : "see you"); // the last tokens decide: what a last-token classifier reads
            return $"{string.Join(' ', words)}\t{(spam ? "spam" : "ham")}";
        })]);
    }

    [Fact]
    public void Classify_fine_tunes_a_GPT_directory_saves_GPT2ForSequenceClassification_and_predicts()
    {
        using var temp = new TempDirectory();
        string model = GptDirectory(temp);
        WriteTask(temp.File("train.tsv"), 80, 1);
        WriteTask(temp.File("eval.tsv"), 30, 2);
        File.WriteAllLines(temp.File("predict.txt"), ["it was a night win cash", "the day see you"]);
        string output = System.IO.Path.Combine(temp.Path, "tuned");

        var (code, stdout, stderr) = Cli.Run("classify", "--model", model, "--train", temp.File("train.tsv"), "--eval", temp.File("eval.tsv"),
            "--epochs", "4", "--batch-size", "8", "--lr", "1e-2", "--out", output, "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("classes: ham, spam (80 training examples, 30 evaluation examples)", stdout);
        Assert.Contains("initialized: score.weight", stdout);
        double accuracy = double.Parse(stdout.TrimEnd('\n').Split('\n')[^1]["accuracy=".Length..], CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.9, stdout);
        Assert.Contains("\"GPT2ForSequenceClassification\"", File.ReadAllText(System.IO.Path.Combine(output, "config.json")));

        var predict = Cli.Run("classify", "--model", output, "--predict", temp.File("predict.txt"));
        Assert.True(predict.Code == 0, predict.Err);
        var lines = predict.Out.TrimEnd('\n').Split('\n');
        Assert.StartsWith("spam\t", lines[0]);
        Assert.EndsWith("\tit was a night win cash", lines[0]);
        Assert.StartsWith("ham\t", lines[1]);
    }

    [Fact]
    public void Predicting_with_a_causal_LM_says_to_fine_tune()
    {
        using var temp = new TempDirectory();
        string model = GptDirectory(temp);
        File.WriteAllLines(temp.File("p.txt"), ["the day"]);
        var (code, _, stderr) = Cli.Run("classify", "--model", model, "--predict", temp.File("p.txt"));
        Assert.Equal(2, code);
        Assert.Contains("causal language model without a classifier; fine-tune it with --train first", stderr);
    }
}
